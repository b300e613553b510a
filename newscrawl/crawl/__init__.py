"""The crawl machinery every spider shares: arguments, the frontier over the archive, schedules and
backfills, the page workers, the downloader middlewares (retries, blocks, charsets, damaged pages,
capture as WARC), the pipelines that store what the spiders yield, and the progress line."""
