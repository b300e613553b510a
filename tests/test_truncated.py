"""Pages the HTML parser cannot read whole (elements nested deeper than libxml2 goes, even in its
"huge" mode: 2048): never stored as if they were complete. The article says why it was read only
in part (``truncated``), its body counts as missing, the crawl warns and counts it, and such a
fetch never replaces an article read whole."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from newscrawl.coverage import missing_fields
from newscrawl.extract.document import Page
from newscrawl.extract.parsing import parse_html
from newscrawl.loaders import LoadContext
from newscrawl.pagereading import PageJob, read_page
from newscrawl.sites.almayadeen.editions import EDITIONS
from newscrawl.urls import HostMap
from tests.conftest import FIXTURES, connect, crawl, run_stats, start_mirror

if TYPE_CHECKING:
    from pathlib import Path

REAL = "https://english.almayadeen.net"
ARTICLE = "news/politics/israel--strikes-gaza-kids-fetching-water--blames-it-on--malf"
FIRST_PARAGRAPH = "<p>Several Palestinians, most of them children,"
#: The depth of the page that lost its paragraphs silently.
DEPTH = 450_000
STOPPED = re.compile(r"the HTML parser stopped at line \d+, column \d+: Excessive depth in document: 2048")


def nested(depth: int, inner: str = "<p>A paragraph of the story.</p>") -> str:
    return f"<html><head><title>Deep</title></head><body><h1>Deep</h1>{'<div>' * depth}{inner}{'</div>' * depth}</body></html>"


def deep_article(depth: int = DEPTH) -> bytes:
    """The fixture article with its body paragraphs inside ``depth`` nested ``<div>``s."""
    html = (FIXTURES / "site" / ARTICLE / "index.html").read_text(encoding="utf-8")
    start = html.index(FIRST_PARAGRAPH)
    end = html.index("</p>\n", html.index("<p>Humanitarian organizations")) + len("</p>")
    return (html[:start] + "<div>" * depth + html[start:end] + "</div>" * depth + html[end:]).encode()


@pytest.mark.parametrize(
    ("depth", "stopped"),
    [(0, False), (255, False), (2000, False), (2048, True), (DEPTH, True)],
)
@pytest.mark.parametrize("as_bytes", [False, True], ids=["text", "bytes"])
def test_parse_html_says_where_the_parser_stopped(depth: int, stopped: bool, as_bytes: bool) -> None:
    html = nested(depth)
    root, truncated = parse_html(html.encode() if as_bytes else html, "https://site.example/a")
    if stopped:
        assert truncated is not None
        assert STOPPED.fullmatch(truncated)
        assert "A paragraph of the story." not in root.text_content()
    else:
        assert truncated is None
        assert "A paragraph of the story." in root.text_content()


def test_page_from_html_carries_it() -> None:
    assert Page.from_html(nested(DEPTH), "https://site.example/a").truncated is not None
    assert Page.from_html(nested(10), "https://site.example/a").truncated is None


def test_the_site_profile_marks_the_article_and_its_body_missing() -> None:
    context = LoadContext.for_edition(EDITIONS["en"], HostMap(real_origin=REAL, fetch_origin="http://127.0.0.1:8000"))
    job = PageJob(
        url=f"http://127.0.0.1:8000/{ARTICLE}", body=deep_article(), encoding="utf-8", kind="article", site="almayadeen", regions={},
        context=context, section_hint="Politics",
    )  # fmt: skip
    work = read_page(job)
    item = work.article
    assert item is not None
    assert item.truncated is not None
    assert STOPPED.fullmatch(item.truncated)
    assert "Witnesses said dozens" not in (item.body or "")
    assert "body" in missing_fields(item)


def test_extract_command_says_the_page_was_read_in_part(tmp_path: Path) -> None:
    page = tmp_path / "deep.html"
    page.write_bytes(deep_article())
    result = subprocess.run(
        [sys.executable, "-m", "newscrawl.cli", "extract", "--url", f"{REAL}/{ARTICLE}", str(page)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert STOPPED.fullmatch(data["truncated"])
    assert "Witnesses said dozens" not in (data["body"] or "")


def test_a_crawled_page_read_in_part_is_stored_marked_and_never_replaces_a_whole_one(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "site", site)
    url = f"{REAL}/{ARTICLE}"
    whole_db, deep_db = tmp_path / "whole.db", tmp_path / "deep.db"

    server = start_mirror(site)
    try:
        assert crawl(server.base_url, whole_db).returncode == 0
        (site / ARTICLE / "index.html").write_bytes(deep_article())
        first = crawl(server.base_url, deep_db)
        again = crawl(server.base_url, whole_db, "full=1")
    finally:
        server.stop()

    # a first fetch read in part: stored, marked, its body missing, warned about and counted
    assert first.returncode == 0, first.stderr[-3000:]
    with connect(deep_db) as con:
        row = con.execute("SELECT * FROM articles WHERE url = ?", [url]).fetchone()
    assert STOPPED.fullmatch(row["truncated"])
    assert "body" in json.loads(row["missing_fields"])
    assert "Witnesses said dozens" not in (row["body"] or "")
    warning = f"article {url} was read only in part, its body is not stored as complete: the HTML parser stopped"
    assert warning in first.stderr
    assert run_stats(deep_db)[1]["newscrawl/articles_truncated"] == 1
    with connect(deep_db) as con:
        others = con.execute("SELECT count(*) FROM articles WHERE truncated IS NOT NULL").fetchone()[0]
    assert others == 1

    # a re-fetch read in part of an article read whole: the whole text stays
    assert again.returncode == 0, again.stderr[-3000:]
    with connect(whole_db) as con:
        row = con.execute("SELECT * FROM articles WHERE url = ?", [url]).fetchone()
        versions = con.execute("SELECT count(*) FROM article_versions").fetchone()[0]
    assert row["truncated"] is None
    assert row["version"] == 1
    assert versions == 0
    assert "Witnesses said dozens" in row["body"]
    assert json.loads(row["missing_fields"]) == []
