"""Site profiles: the interface (``profile``), one module or package per site, and the registry
that names them (``registry``)."""
