"""Al Mayadeen: its editions (``editions``), URL shapes (``urls``), pages (``page``) and the
profile that joins them (``profile``)."""
