-- An archive as newscrawl a02a558 created it (schema version 0) with one article, tag and run;
-- without its full-text index (articles_fts and its triggers), which the test adds as that version did.
BEGIN TRANSACTION;
CREATE TABLE [article_tags] (
   [article_id] INTEGER REFERENCES [articles]([id]),
   [tag_id] INTEGER REFERENCES [tags]([id]),
   PRIMARY KEY ([article_id], [tag_id])
);
INSERT INTO "article_tags" VALUES(1,1);
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
   [first_seen_at] TEXT NOT NULL,
   [last_fetched_at] TEXT NOT NULL,
   [content_hash] TEXT
);
INSERT INTO "articles" VALUES(1,'https://english.almayadeen.net/news/politics/an-article-archived-before-schema-versions','1700001','en','news',NULL,NULL,NULL,'An article archived before schema versions','Its lead.','Its body mentions pharisaism.','["Al Mayadeen English"]',NULL,'2023-11-13T20:45:00+02:00',NULL,NULL,'["Gaza"]',NULL,NULL,'2025-01-01T00:00:00+00:00','2025-01-01T00:00:00+00:00','0000000000000000000000000000000000000000000000000000000000000000');
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
   [started_at] TEXT NOT NULL,
   [finished_at] TEXT,
   [status] TEXT NOT NULL,
   [args] TEXT,
   [stats] TEXT
);
INSERT INTO "crawl_runs" VALUES(1,'almayadeen','2025-01-01T00:00:00+00:00','2025-01-01T00:01:00+00:00','finished','{}','{}');
CREATE TABLE [links] (
   [article_id] INTEGER REFERENCES [articles]([id]),
   [url] TEXT,
   [kind] TEXT,
   PRIMARY KEY ([article_id], [url], [kind])
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
COMMIT;
