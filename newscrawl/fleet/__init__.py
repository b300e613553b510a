"""Distributed mode: many crawl workers share one run's frontier on Redis; one writer keeps the archive.

Switched on by ``-s REDIS_URL=redis://host:port/db`` (:class:`newscrawl.fleet.addon.Fleet`).
Every ``scrapy crawl`` process started with it is a *worker* of its spider's current run: its
requests go into the run's shared queue and duplicate filter (scrapy-redis, :mod:`.scheduler`),
what it finds goes to Redis instead of the archive (:mod:`.worker`), and what it needs to know to
skip archived articles comes from Redis too (:mod:`.state`). ``newscrawl writer`` (:mod:`.writer`)
takes the items from Redis and stores them with the same code as a local crawl
(:class:`newscrawl.crawl.runstore.RunStore`); it alone opens the SQLite file. Key names and the
messages between them are in :mod:`.keys` and :mod:`.messages`.
"""
