"""The analyst's desk: reading the archive from the terminal (``stats``, ``search``, ``export``), in
Datasette (``serve``, the dashboard), and what every table and column means (``schema_docs``)."""
