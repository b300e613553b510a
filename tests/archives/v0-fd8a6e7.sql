-- An archive as newscrawl fd8a6e7 created it (schema version 0) with one article, tag and run;
-- without its full-text index (articles_fts and its triggers), which the test adds as that version did.
BEGIN TRANSACTION;
CREATE TABLE [article_tags] (
   [article_id] INTEGER REFERENCES [articles]([id]),
   [tag_id] INTEGER REFERENCES [tags]([id]),
   PRIMARY KEY ([article_id], [tag_id])
);
INSERT INTO "article_tags" VALUES(1,1);
CREATE TABLE [article_versions] (
   [article_id] INTEGER REFERENCES [articles]([id]),
   [version] INTEGER,
   [fetched_at] TEXT,
   [content_hash] TEXT,
   [headline] TEXT,
   [lead] TEXT,
   [body] TEXT,
   [authors] TEXT,
   [source] TEXT,
   [tags] TEXT,
   [captions] TEXT,
   PRIMARY KEY ([article_id], [version])
);
CREATE TABLE [articles] (
   [id] INTEGER PRIMARY KEY,
   [url] TEXT NOT NULL,
   [post_id] TEXT,
   [edition] TEXT NOT NULL,
   [content_type] TEXT,
   [section] TEXT,
   [region] TEXT,
   [coverage] TEXT,
   [headline] TEXT,
   [lead] TEXT,
   [body] TEXT,
   [authors] TEXT,
   [source] TEXT,
   [published_at] TEXT,
   [modified_at] TEXT,
   [published_raw] TEXT,
   [tags] TEXT,
   [read_time_min] INTEGER,
   [share_count] INTEGER,
   [language] TEXT,
   [first_seen_at] TEXT NOT NULL,
   [last_fetched_at] TEXT NOT NULL,
   [content_hash] TEXT,
   [version] INTEGER,
   [sitemap_lastmod] TEXT,
   [sitemap_news] TEXT,
   [missing_fields] TEXT
);
INSERT INTO "articles" VALUES(1,'https://english.almayadeen.net/news/politics/an-article-archived-before-schema-versions','1700001','en','news',NULL,NULL,NULL,'An article archived before schema versions','Its lead.','Its body mentions pharisaism.','["Al Mayadeen English"]',NULL,'2023-11-13T20:45:00+02:00',NULL,NULL,'["Gaza"]',NULL,NULL,'en','2025-01-01T00:00:00+00:00','2025-01-01T00:00:00+00:00','0000000000000000000000000000000000000000000000000000000000000000',1,NULL,NULL,'["section"]');
CREATE TABLE [breaking] (
   [id] INTEGER PRIMARY KEY,
   [edition] TEXT NOT NULL,
   [text] TEXT NOT NULL,
   [attribution] TEXT,
   [url] TEXT,
   [first_seen_at] TEXT NOT NULL,
   [last_seen_at] TEXT NOT NULL,
   [seen_count] INTEGER NOT NULL
);
CREATE TABLE [breaking_sightings] (
   [breaking_id] INTEGER REFERENCES [breaking]([id]),
   [run_id] INTEGER REFERENCES [crawl_runs]([id]),
   [seen_at] TEXT,
   PRIMARY KEY ([breaking_id], [run_id])
);
CREATE TABLE [captions] (
   [article_id] INTEGER REFERENCES [articles]([id]),
   [position] INTEGER,
   [text] TEXT,
   [credit] TEXT,
   [image_url] TEXT,
   PRIMARY KEY ([article_id], [position])
);
CREATE TABLE [crawl_runs] (
   [id] INTEGER PRIMARY KEY,
   [spider] TEXT NOT NULL,
   [edition] TEXT,
   [started_at] TEXT NOT NULL,
   [finished_at] TEXT,
   [status] TEXT NOT NULL,
   [complete] INTEGER,
   [requests] INTEGER,
   [new_articles] INTEGER,
   [new_versions] INTEGER,
   [unchanged] INTEGER,
   [errors] INTEGER,
   [ticker_lines] INTEGER,
   [args] TEXT,
   [stats] TEXT
);
INSERT INTO "crawl_runs" VALUES(1,'almayadeen',NULL,'2025-01-01T00:00:00+00:00','2025-01-01T00:01:00+00:00','finished',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{}','{}');
CREATE TABLE [links] (
   [article_id] INTEGER REFERENCES [articles]([id]),
   [url] TEXT,
   [kind] TEXT,
   PRIMARY KEY ([article_id], [url], [kind])
);
CREATE TABLE [run_coverage] (
   [run_id] INTEGER REFERENCES [crawl_runs]([id]),
   [content_type] TEXT,
   [field] TEXT,
   [articles] INTEGER,
   [present] INTEGER,
   PRIMARY KEY ([run_id], [content_type], [field])
);
CREATE TABLE [tags] (
   [id] INTEGER PRIMARY KEY,
   [name] TEXT NOT NULL
);
INSERT INTO "tags" VALUES(1,'Gaza');
CREATE UNIQUE INDEX [idx_articles_url]
    ON [articles] ([url]);
CREATE INDEX [idx_articles_edition_post_id]
    ON [articles] ([edition], [post_id]);
CREATE INDEX [idx_articles_published_at]
    ON [articles] ([published_at]);
CREATE UNIQUE INDEX [idx_tags_name]
    ON [tags] ([name]);
CREATE INDEX [idx_article_tags_tag_id]
    ON [article_tags] ([tag_id]);
CREATE UNIQUE INDEX [idx_breaking_edition_text]
    ON [breaking] ([edition], [text]);
CREATE INDEX [idx_breaking_sightings_run_id]
    ON [breaking_sightings] ([run_id]);
CREATE VIEW article_details AS
SELECT a.id, a.url, a.edition, a.content_type, a.section, a.region, a.coverage, a.source,
  a.published_at, a.headline, a.lead,
  (SELECT group_concat(value, ', ') FROM (SELECT value FROM json_each(a.authors) ORDER BY key)) AS authors,
  (SELECT group_concat(value, ', ') FROM (SELECT value FROM json_each(a.tags) ORDER BY key)) AS tags,
  (SELECT group_concat(caption, ' | ') FROM (
    SELECT c.text || coalesce(' (' || c.credit || ')', '') AS caption FROM captions c
    WHERE c.article_id = a.id ORDER BY c.position)) AS captions,
  (SELECT count(*) FROM captions c WHERE c.article_id = a.id) AS images,
  a.version, a.first_seen_at, a.last_fetched_at
FROM articles a;
CREATE VIEW ticker_timeline AS
SELECT b.id, b.edition, b.text, b.attribution, b.url, b.first_seen_at, b.last_seen_at,
  round((julianday(b.last_seen_at) - julianday(b.first_seen_at)) * 24, 1) AS hours_seen,
  coalesce(nullif((SELECT count(*) FROM breaking_sightings s WHERE s.breaking_id = b.id), 0), b.seen_count) AS runs,
  (SELECT min(s.run_id) FROM breaking_sightings s WHERE s.breaking_id = b.id) AS first_run,
  (SELECT max(s.run_id) FROM breaking_sightings s WHERE s.breaking_id = b.id) AS last_run
FROM breaking b
ORDER BY b.first_seen_at, b.id;
COMMIT;
