"""Text and URLs from pages are data: they never reach SQL, the shell or the file system as code
or paths. A page full of injection attempts is archived verbatim and harms nothing."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from tests.conftest import build_site, connect, crawl, start_mirror

if TYPE_CHECKING:
    from pathlib import Path

PATH = "news/politics/o'brien;drop-table-articles--x"
URL = f"https://english.almayadeen.net/{PATH}"


def hostile_changes(canary: Path) -> str:
    """Changes to the fixture content: one article whose every text field is an attack."""
    return f"""
hostile = dataclasses.replace(
    {{a.key: a for a in content.ARTICLES}}["water"],
    key="hostile",
    path={PATH!r},
    local="2025-07-13 12:55",  # its own time, so its own post id
    headline="Robert'); DROP TABLE articles;-- $(touch {canary}) `touch {canary}`",
    lead="'; DELETE FROM crawl_runs WHERE '1'='1",
    tags=("'); DROP TABLE tags;--", "$(rm -rf ~)", "{canary}"),
    figures=(content.Figure("<script>alert(1)</script> caption; touch {canary}", "AP Photo/x'--"),),
)
content.ARTICLES = (*content.ARTICLES, hostile)
"""


def test_hostile_page_text_is_stored_as_data(tmp_path: Path) -> None:
    canary = tmp_path / "pwned"
    site = build_site(tmp_path / "site", hostile_changes(canary))
    server = start_mirror(site)
    try:
        result = crawl(server.base_url, tmp_path / "a.db")
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr[-3000:]
    assert not canary.exists()
    with connect(tmp_path / "a.db") as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"articles", "tags", "crawl_runs", "captions", "article_versions"} <= tables
        assert con.execute("SELECT status FROM crawl_runs").fetchone()[0] == "finished"
        row = con.execute("SELECT * FROM articles WHERE url = ?", [URL]).fetchone()
        assert row is not None, [r[0] for r in con.execute("SELECT url FROM articles WHERE url LIKE '%brien%'")]
        assert row["headline"] == f"Robert'); DROP TABLE articles;-- $(touch {canary}) `touch {canary}`"
        assert row["lead"] == "'; DELETE FROM crawl_runs WHERE '1'='1"
        assert json.loads(row["tags"]) == ["'); DROP TABLE tags;--", "$(rm -rf ~)", str(canary)]
        caption = con.execute("SELECT text, credit FROM captions WHERE article_id = ?", [row["id"]]).fetchone()
        assert tuple(caption) == (f"<script>alert(1)</script> caption; touch {canary}", "AP Photo/x'--")
        # every other article is there too: nothing was dropped or deleted
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 53
