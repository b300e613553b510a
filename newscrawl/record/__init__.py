"""The archive of record: every fetch kept as WARC (``warc``: the files and their records,
``warcwrite``: writing a run's files), exported (``webarchive``: ``export --format warc|wacz``)
and pruned (``retention``: ``warc prune``), and the articles read again from it when extraction
improves (``reextract``, ``reextraction``, ``fieldchanges``)."""
