"""The test mirror: a local server of a fixture site (``server``: ``newscrawl mirror``) and the
faults it can inject (``faults``: ``--faults``)."""
