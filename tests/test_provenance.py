"""Where each field's value came from (``field_sources``): per layer on small pages of our own and
on a fixture article of the mirror, through sitemap and feed hints, in the archive's articles and
versions, and in ``newscrawl extract``'s output."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest

from newscrawl.archive import Archive
from newscrawl.discovery import ArticleHints, hint_sources
from newscrawl.extract.document import Page
from newscrawl.extract.newspage import NewsPage
from newscrawl.extract.provenance import SOURCES
from newscrawl.extraction import extract_article, news_article, site_context
from newscrawl.items import ArticleItem
from newscrawl.loaders import load_article
from newscrawl.record.fieldchanges import decide
from tests.conftest import FIXTURES
from tests.readings import almayadeen_article

if TYPE_CHECKING:
    from pathlib import Path

SITE = "https://news.example"
URL = f"{SITE}/world/2025/07/08/harbour-strike-ends-after-nine-days"
PARAGRAPHS = "".join(
    f"<p>Paragraph {n} of the story about the harbour strike, long enough to be read as the body text.</p>" for n in range(14)
)

JSONLD = """<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Strike ends after nine days", "datePublished": "2025-07-08T14:20:00+02:00",
 "dateModified": "2025-07-08T16:00:00+02:00", "author": {"@type": "Person", "name": "Jane Doe"},
 "keywords": ["Harbour", "Strikes"], "description": "Dockers return to work.", "articleSection": "World",
 "inLanguage": "fr"}</script>"""
META = """<meta property="og:title" content="Strike ends after nine days">
<meta property="article:published_time" content="2025-07-08T14:20:00+02:00">
<meta property="article:modified_time" content="2025-07-08T16:00:00+02:00">
<meta name="author" content="Jane Doe"><meta name="keywords" content="Harbour, Strikes">
<meta property="og:description" content="Dockers return to work."><meta property="article:section" content="World">
<link rel="canonical" href="https://news.example/world/harbour-strike-ends">"""
DOM = """<article><h1>Strike ends after nine days</h1><p class="byline">By Jane Doe</p>
<time datetime="2025-07-08T14:20:00+02:00">8 July 2025</time>
<div class="article-body">{PARAGRAPHS}</div>
<figure><img src="/a.jpg"><figcaption>Dockers at the gate (Photo: Ann Lee)</figcaption></figure>
<p class="tags"><a rel="tag" href="/tag/harbour">Harbour</a> <a rel="tag" href="/tag/strikes">Strikes</a></p></article>"""


def page_of(head: str, body: str, title: str = "<title>Page</title>") -> str:
    return f"<html><head>{title}{head}</head><body>{body}</body></html>"


def generic_sources(head: str, body: str) -> dict[str, str]:
    page = NewsPage(Page.from_html(page_of(head, body), URL))
    return load_article(page, site_context(SITE)).field_sources


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        pytest.param(
            JSONLD,
            f"<div>{PARAGRAPHS}</div>",
            {
                "url": "url", "content_type": "jsonld", "headline": "jsonld", "lead": "jsonld", "authors": "jsonld",
                "published_at": "jsonld", "modified_at": "jsonld", "tags": "jsonld", "section": "jsonld",
                "language": "jsonld", "body": "generic-dom",
            },
            id="jsonld-only",
        ),
        pytest.param(
            META,
            f"<div>{PARAGRAPHS}</div>",
            {
                "url": "meta", "headline": "meta", "lead": "meta", "authors": "meta", "published_at": "meta",
                "modified_at": "meta", "tags": "meta", "section": "meta", "body": "generic-dom",
            },
            id="meta-only",
        ),
        pytest.param(
            "",
            DOM.format(PARAGRAPHS=PARAGRAPHS),
            {
                "url": "url", "headline": "generic-dom", "authors": "generic-dom", "published_at": "generic-dom",
                "published_raw": "heuristic", "tags": "generic-dom", "captions": "generic-dom", "body": "generic-dom",
            },
            id="dom-only",
        ),
        pytest.param(
            "",
            "<div><p>Source: Reuters</p><p>A short note of a few words.</p></div>",
            # the document title; htmldate finds the date in the URL; too little text of its own
            {"url": "url", "headline": "meta", "source": "heuristic", "published_at": "htmldate", "body": "trafilatura"},
            id="text-only",
        ),
    ],
)  # fmt: skip
def test_each_layer_names_itself(head: str, body: str, expected: dict[str, str]) -> None:
    assert generic_sources(head, body) == expected


def test_the_first_layer_that_gives_a_value_is_its_source() -> None:
    sources = generic_sources(JSONLD + META, DOM.format(PARAGRAPHS=PARAGRAPHS))
    # JSON-LD before meta tags and the DOM; the headline sources agree: their shared core (a
    # heuristic) is the headline; the canonical link before the page's address
    assert sources["published_at"] == sources["authors"] == sources["modified_at"] == sources["tags"] == "jsonld"
    assert sources["headline"] == "heuristic"
    assert sources["url"] == "meta"


def test_the_sources_are_the_documented_ones() -> None:
    seen = {
        *generic_sources(JSONLD, f"<div>{PARAGRAPHS}</div>").values(),
        *generic_sources(META, DOM.format(PARAGRAPHS=PARAGRAPHS)).values(),
    }
    assert seen <= SOURCES.keys()


def test_the_al_mayadeen_fixture_article_names_its_cms_block_and_selectors() -> None:
    item = almayadeen_article(
        FIXTURES / "site",
        "https://english.almayadeen.net/news/politics/russian-intel-reveals-us-urging--israel--to-expedite-genocid",
    )
    assert item is not None
    assert item.field_sources == {
        # the CMS metadata block (script#tawsiyat-metadata)
        "url": "cms", "post_id": "cms", "content_type": "cms", "section": "cms", "region": "cms", "coverage": "cms",
        "headline": "cms", "authors": "cms", "published_at": "cms", "modified_at": "cms",
        # the profile's selectors: the lead paragraph, the "Source:" box, the date line, the tag box, div.p-content
        "lead": "site-dom", "source": "site-dom", "published_raw": "site-dom", "tags": "site-dom", "body": "site-dom",
        # the generic layers
        "captions": "generic-dom", "related": "generic-dom", "read_time_min": "heuristic", "share_count": "heuristic",
        "language": "meta",
    }  # fmt: skip
    assert item.source == "TASS"
    assert item.published_raw == "13 Nov 2023 20:45"


@pytest.mark.parametrize(
    ("hints", "expected"),
    [
        (
            ArticleHints(title="Hinted", published="2025-07-08T14:20:00+02:00", sources=hint_sources("sitemap")),
            {"headline": "sitemap", "published_at": "sitemap"},
        ),
        (
            ArticleHints(title="Hinted", published="2025-07-08T14:20:00+02:00", sources=hint_sources("feed")),
            {"headline": "feed", "published_at": "feed"},
        ),
    ],
    ids=["sitemap", "feed"],
)
def test_hints_name_the_sitemap_or_feed(hints: ArticleHints, expected: dict[str, str]) -> None:
    # a page without a headline or any date: both come from the hints, the published time through
    # the page's own fallback layer (before htmldate's guess)
    declared = '<script type="application/ld+json">{"@type": "NewsArticle"}</script>'
    html = page_of(declared, f"<article><div>{PARAGRAPHS}</div></article>", title="")
    item = news_article(Page.from_html(html, URL), site_context(SITE), hints, None)
    assert item is not None
    assert (item.headline, item.published_at) == ("Hinted", "2025-07-08T14:20:00+02:00")
    assert {name: item.field_sources[name] for name in expected} == expected


# --- the archive -------------------------------------------------------------------------------

BODY = "\n\n".join(f"Paragraph {n} of the story, long enough to be a body." for n in range(4))


def article(**changes: Any) -> ArticleItem:
    base = ArticleItem(
        url=URL,
        headline="Strike ends",
        body=BODY,
        authors=["Jane Doe"],
        tags=["Harbour"],
        field_sources={"url": "url", "headline": "cms", "body": "site-dom", "authors": "jsonld", "tags": "meta"},
    )
    return dataclasses.replace(base, **changes)


def rows(archive: Archive, table: str) -> list[dict[str, Any]]:
    return list(archive.db.query(f"SELECT * FROM {table} ORDER BY rowid"))


def test_the_archive_keeps_each_texts_sources_and_a_change_of_source_alone_makes_no_version(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive.db")
    try:
        archive.store_articles([article()], "2025-01-01T00:00:00+00:00")
        first = json.loads(rows(archive, "articles")[0]["field_sources"])
        assert first == {"url": "url", "headline": "cms", "body": "site-dom", "authors": "jsonld", "tags": "meta"}

        # the same text, its headline now from a heuristic: refreshed, no version
        moved = dataclasses.replace(article(), field_sources={**first, "headline": "heuristic"})
        assert archive.store_articles([moved], "2025-01-02T00:00:00+00:00")["unchanged"] == 1
        assert rows(archive, "article_versions") == []
        assert json.loads(rows(archive, "articles")[0]["field_sources"])["headline"] == "heuristic"

        # a damaged re-fetch (its byline gone) changes nothing, its sources neither
        damaged = article(authors=[], field_sources={"headline": "meta", "body": "trafilatura"})
        assert archive.store_articles([damaged], "2025-01-03T00:00:00+00:00")["held"] == 1
        assert json.loads(rows(archive, "articles")[0]["field_sources"])["headline"] == "heuristic"

        # a new text: the version keeps the sources of the text it holds
        edited = article(headline="Strike ends after nine days", field_sources={"headline": "jsonld", "body": "generic-dom"})
        assert archive.store_articles([edited], "2025-01-04T00:00:00+00:00")["changed"] == 1
        [version] = rows(archive, "article_versions")
        assert (version["headline"], json.loads(version["field_sources"])["headline"]) == ("Strike ends", "heuristic")
        assert json.loads(rows(archive, "articles")[0]["field_sources"]) == {"headline": "jsonld", "body": "generic-dom"}
    finally:
        archive.close()


def test_a_reextraction_refreshes_the_sources_without_counting_a_change() -> None:
    stored = {
        "url": URL, "headline": "Strike ends", "body": BODY, "authors": ["Jane Doe"], "tags": ["Harbour"], "captions": [],
        "field_sources": json.dumps({"headline": "cms"}),
    }  # fmt: skip
    moved = article(field_sources={"headline": "heuristic"})
    decision = decide(stored, moved, "digest", expected=())
    assert (decision.outcome, decision.fields, decision.values) == (
        "unchanged",
        {},
        {"field_sources": '{"headline": "heuristic"}'},
    )
    same = decide(stored, article(field_sources={"headline": "cms"}), "digest", expected=())
    assert (same.outcome, same.values) == ("unchanged", {})


# --- newscrawl extract ---------------------------------------------------------------------------


def test_extract_names_each_keys_source() -> None:
    result = extract_article(page_of(JSONLD, DOM.format(PARAGRAPHS=PARAGRAPHS)), URL)
    assert result["sources"] == {
        "headline": "heuristic", "authors": "jsonld", "published": "jsonld", "modified": "jsonld", "tags": "jsonld",
        "captions": "generic-dom", "lead": "jsonld", "body": "generic-dom", "language": "jsonld",
    }  # fmt: skip
    assert result["published"] == "2025-07-08T14:20:00+02:00"


def test_the_extract_command_prints_the_sources(tmp_path: Path) -> None:
    saved = tmp_path / "page.html"
    saved.write_text(page_of(META, f"<div>{PARAGRAPHS}</div>"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "newscrawl.cli", "extract", "--url", URL, str(saved)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["sources"]["published"] == printed["sources"]["headline"] == "meta"
    assert printed["sources"]["body"] == "generic-dom"
    assert list(printed)[-1] == "sources"
