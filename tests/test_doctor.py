"""``newscrawl doctor``: every field of one page with its value, its source and every layer's
candidates, on a fixture page of the mirror (Al Mayadeen's profile) and on a page of our own
(the generic layers); its JSON report and its failures."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING, Any

from newscrawl.doctor import Diagnosis, FieldReport, as_json, diagnose
from tests.conftest import FIXTURES

if TYPE_CHECKING:
    from pathlib import Path

SEED = "https://english.almayadeen.net/news/politics/russian-intel-reveals-us-urging--israel--to-expedite-genocid"
SEED_FILE = (
    FIXTURES / "site" / "news" / "politics" / "russian-intel-reveals-us-urging--israel--to-expedite-genocid" / "index.html"
)
HEADLINE = "Russian intel reveals US urging 'Israel' to expedite genocide in Gaza"

GENERIC_URL = "https://news.example/world/harbour-strike-ends-after-nine-days"
GENERIC = (
    """<html lang="en"><head><title>Strike ends | The Harbour Times</title>
<meta property="og:title" content="Strike ends after nine days">
<meta property="article:published_time" content="2025-07-08T14:20:00+02:00">
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Strike ends after nine days",
 "author": {"@type": "Person", "name": "Jane Doe"}}</script></head>
<body><article><h1>Dockers go back to work</h1><p>By John Roe</p>
<div>"""
    + "<p>A paragraph of the story, long enough to count as the text of the article.</p>" * 16
    + """</div>
</article></body></html>"""
)


def newscrawl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newscrawl.cli", *args], capture_output=True, text=True, timeout=120, check=False
    )


def field(diagnosis: Diagnosis, name: str) -> FieldReport:
    return next(f for f in diagnosis.fields if f.name == name)


def layers(report: FieldReport) -> list[tuple[str, list[Any], int | None]]:
    return [(layer.source, layer.candidates, layer.taken) for layer in report.layers]


def test_the_fixture_page_is_read_with_its_profile_every_field_with_its_layers() -> None:
    diagnosis = diagnose(SEED_FILE.read_bytes(), SEED)
    assert (diagnosis.profile, diagnosis.edition, diagnosis.is_article) == ("almayadeen", "en", True)
    # every field the extraction loads, in its order
    assert [f.name for f in diagnosis.fields] == [
        "url", "post_id", "content_type", "section", "region", "coverage", "headline", "lead", "authors", "source",
        "published_at", "modified_at", "published_raw", "tags", "captions", "related", "read_time_min", "share_count",
        "view_count", "language", "body",
    ]  # fmt: skip

    headline = field(diagnosis, "headline")
    assert (headline.value, headline.source) == (HEADLINE, "cms")
    found = layers(headline)
    assert found[0] == ("cms", [HEADLINE], 0)  # the CMS block, taken
    # the layers a crawl never reaches are listed too, not taken: the page's h1 (the profile's
    # selector h1.post-title), og:title with the site's suffix still on
    assert ("site-dom", [HEADLINE], None) in found
    assert ("meta", [HEADLINE], None) in found
    # in extraction order: the CMS block, the agreement heuristics, the displayed h1, the core of
    # the copied titles, then og:title, the h1, JSON-LD, twitter:title and <title>
    assert [source for source, _, _ in found] == [
        "cms",
        "heuristic",
        "heuristic",
        "site-dom",
        "heuristic",
        "meta",
        "site-dom",
        "jsonld",
        "meta",
        "meta",
    ]

    published = field(diagnosis, "published_at")
    assert (published.value, published.source) == ("2023-11-13T20:45:00+02:00", "cms")
    assert layers(published)[0] == ("cms", ["2023-11-13T20:45:00+02:00"], 0)
    # the displayed date through the site's selector and the line search, then the hints and htmldate
    assert [(s, c) for s, c, _ in layers(published)[4:6]] == [
        ("site-dom", ["13 Nov 2023 20:45"]),
        ("heuristic", ["13 Nov 2023 20:45"]),
    ]
    assert [s for s, _, _ in layers(published)[-2:]] == ["sitemap", "htmldate"]

    authors = field(diagnosis, "authors")
    assert (authors.value, authors.source) == (["Al Mayadeen English"], "cms")
    assert layers(authors)[0] == ("cms", ["Al Mayadeen English"], -1)
    assert ("generic-dom", ["By Al Mayadeen English"], None) in layers(authors)

    tags = field(diagnosis, "tags")
    assert tags.source == "site-dom"
    assert [(s, t) for s, _, t in layers(tags)][:2] == [("site-dom", -1), ("generic-dom", None)]

    body = field(diagnosis, "body")
    assert body.source == "site-dom"
    assert body.value.startswith("TASS news agency reported on Monday")

    views = field(diagnosis, "view_count")  # the English edition shows none: the layer ran, found nothing
    assert (views.value, views.source, layers(views)) == (None, None, [("heuristic", [], None)])


def test_a_page_of_another_site_is_read_with_the_generic_layers() -> None:
    diagnosis = diagnose(GENERIC, GENERIC_URL)
    assert (diagnosis.profile, diagnosis.edition, diagnosis.is_article) == ("generic", None, True)
    headline = field(diagnosis, "headline")
    # og:title and JSON-LD agree: their shared core is taken; the h1 (another headline) is listed
    assert (headline.value, headline.source) == ("Strike ends after nine days", "heuristic")
    assert ("generic-dom", ["Dockers go back to work"], None) in layers(headline)
    authors = field(diagnosis, "authors")
    assert (authors.value, authors.source) == (["Jane Doe"], "jsonld")
    assert ("generic-dom", ["By John Roe"], None) in layers(authors)
    published = field(diagnosis, "published_at")
    assert (published.value, published.source) == ("2025-07-08T14:20:00+02:00", "meta")


def test_the_text_report_names_the_profile_and_marks_what_was_taken() -> None:
    done = newscrawl("doctor", "--url", SEED, str(SEED_FILE))
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    assert lines[:3] == [SEED, "profile: almayadeen, edition en", "reads as an article: yes"]
    at = lines.index(f"headline: {HEADLINE}")
    assert lines[at + 1] == "  source: cms"
    assert lines[at + 2].split(maxsplit=2) == ["*", "cms", f'"{HEADLINE}" (taken)']
    # where layers share a source, each says what it reads
    layers = [line.split('"')[0].strip().removesuffix("-").strip() for line in lines[at + 3 : at + 12]]
    assert layers == [
        "heuristic (JSON-LD headline completed by a title)",
        "heuristic (two titles agree)",
        "site-dom (<h1> naming the story)",
        "heuristic (copied titles agree)",
        "meta (og:title)",
        "site-dom (<h1>)",
        "jsonld (JSON-LD headline)",
        "meta (twitter:title)",
        "meta (<title>)",
    ]
    assert lines[at + 8].split(maxsplit=2) == ["site-dom", "(<h1>)", f'"{HEADLINE}"']  # listed, not taken
    # every field has its value and source
    fields = [line.split(":")[0] for line in lines[3:] if line and not line.startswith(" ")]
    assert fields[:3] == ["url", "post_id", "content_type"]
    assert len([line for line in lines if line.startswith("  source: ")]) == len(fields) == 21


def test_the_json_report(tmp_path: Path) -> None:
    saved = tmp_path / "page.html"
    saved.write_text(GENERIC, encoding="utf-8")
    done = newscrawl("doctor", "--json", "--url", GENERIC_URL, str(saved))
    assert (done.returncode, done.stderr) == (0, "")
    report = json.loads(done.stdout)
    assert list(report) == ["url", "profile", "edition", "article", "fields"]
    assert (report["url"], report["profile"], report["edition"], report["article"]) == (GENERIC_URL, "generic", None, True)
    authors = report["fields"]["authors"]
    assert list(authors) == ["value", "source", "layers"]
    assert authors["layers"][:2] == [
        {"source": "cms", "what": "", "candidates": [], "taken": None},
        {"source": "jsonld", "what": "", "candidates": ["Jane Doe"], "taken": -1},
    ]
    assert report == as_json(diagnose(GENERIC, GENERIC_URL))


def test_a_missing_file_is_one_line_and_status_2(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.html"
    done = newscrawl("doctor", str(missing))
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        f"newscrawl doctor: cannot read {missing}: No such file or directory\n",
    )


def test_an_unreachable_url_is_one_line_and_status_2() -> None:
    done = newscrawl("doctor", "http://127.0.0.1:9/a-story")  # the discard port: nothing listens
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("newscrawl doctor: cannot fetch http://127.0.0.1:9/a-story: ")
    assert done.stderr.count("\n") == 1
