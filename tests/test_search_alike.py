"""Search that behaves the same in ``newscrawl search`` and the desk's canned ``search`` query: the
section and edition filters in any letter case (ASCII letters folded, as SQLite's ``NOCASE``
does), and a phrase marked whole in the snippet, on one line, even where FTS5's snippet cuts it
after its first word or a paragraph parts it."""

from __future__ import annotations

import asyncio
import re
import urllib.parse
from typing import TYPE_CHECKING, Any

import pytest

from newscrawl.archive import Archive
from newscrawl.desk.query import ArticleFilter, search
from newscrawl.desk.serve import make_datasette
from tests.test_archive import article
from tests.test_desk_editions import ARTICLES, FETCHED, GAZA_AR, SCHOOLS_ES, SEED_EN

if TYPE_CHECKING:
    from pathlib import Path

EN = "https://english.almayadeen.net"
HORMUZ = f"{EN}/videos/explainers/explained--the-strait-of-hormuz-and-why-it-matters"
MANDEB = f"{EN}/news/economy/the-red-sea-route"

MORE = [
    # the fixture mirror's article: FTS5's 14-token snippet (the CLI's) starts at the sentence
    # and ends at "Strait"
    article(
        url=HORMUZ,
        post_id="1700002",
        section="Explainers",
        headline="Explained: The Strait of Hormuz and why it matters",
        lead=None,
        tags=[],
        captions=[],
        related=[],
        published_at="2025-06-24T18:20:00+03:00",
        body="About a fifth of the oil consumed in the world passes through the Strait of Hormuz, between Iran and Oman.\n\n"
        "This explainer looks at the geography of the strait, the countries that depend on it and what a disruption "
        "would mean for energy markets.",
    ),
    # "Bab" is the sentence's 24th word: FTS5's 24-token snippet (the canned query's) ends there
    article(
        url=MANDEB,
        post_id="1700003",
        section="Economy",
        headline="The Red Sea route",
        lead=None,
        tags=[],
        captions=[],
        related=[],
        published_at="2025-07-01T10:00:00+03:00",
        body="About a tenth of the oil and a third of the liquefied gas that the world buys from abroad every year pass "
        "the Bab el-Mandeb strait, between Yemen and Djibouti. Shipping insurers have raised their rates twice.",
    ),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive (named ``archive``, as Datasette names it) of the three editions' articles and two more."""
    path = tmp_path_factory.mktemp("alike") / "archive.db"
    archive = Archive(path)
    archive.store_articles([*ARTICLES, *MORE], FETCHED)
    archive.close()
    return path


def canned(db: Path, **params: str) -> list[dict[str, Any]]:
    """The rows of the canned ``search`` query, through Datasette (with the newscrawl plugin)."""
    query = urllib.parse.urlencode({"q": "", "section": "", "edition": "", **params})

    async def fetch() -> list[dict[str, Any]]:
        response = await make_datasette(db).client.get(f"/archive/search.json?_shape=array&{query}")
        assert response.status_code == 200, response.text[:2000]
        rows: list[dict[str, Any]] = response.json()
        return rows

    return asyncio.run(fetch())


def canned_cells(db: Path, **params: str) -> list[str]:
    """The snippet cells of the canned ``search`` query's page, as Datasette renders them."""
    query = urllib.parse.urlencode({"q": "", "section": "", "edition": "", **params})

    async def fetch() -> str:
        response = await make_datasette(db).client.get(f"/archive/search?{query}")
        assert response.status_code == 200, response.text[:2000]
        return str(response.text)

    return re.findall(r'<td class="col-snippet[^"]*"[^>]*>(.*?)</td>', asyncio.run(fetch()), re.DOTALL)


# --- filters in any letter case -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "section", "edition", "urls"),
    [
        ("gaza", "politics", "", [SEED_EN]),
        ("gaza", "POLITICS", "", [SEED_EN]),
        ("gaza", "Politics", "", [SEED_EN]),
        ("gaza", "entrevistas", "", [SCHOOLS_ES]),
        ("oil", "explainers", "", [HORMUZ]),
        ("oil", "ECONOMY", "", [MANDEB]),
        ("gaza", "", "ES", [SCHOOLS_ES]),
        ("gaza", "opinion", "", []),
        # Arabic has no letter case: the section as written
        ("غزه", "سياسة", "AR", [GAZA_AR]),
    ],
)
def test_section_and_edition_match_in_any_case_in_the_canned_query_as_in_the_cli(
    db: Path, q: str, section: str, edition: str, urls: list[str]
) -> None:
    assert [row["url"] for row in canned(db, q=q, section=section, edition=edition)] == urls
    where = ArticleFilter(section=section or None, edition=edition or None)
    assert [hit.url for hit in search(db, q, where)] == urls


# --- phrases marked whole -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "snippet"),
    [
        # FTS5 alone: "…passes through the [Strait]…"
        ('"strait of hormuz"', "About a fifth of the oil consumed in the world passes through the [Strait of Hormuz]…"),
        ('"paragraph the svr"', "First [paragraph. The SVR]'s press office mentioned ... 'pharisaism,' against the backdrop."),
        ('"bab el-mandeb"', "…abroad every year pass the [Bab el-Mandeb] strait, between Yemen and Djibouti. Shipping…"),
        ('"الإحتلالُ يُصعِّد"', "[الإحتلالُ يُصعِّد] في غزّة"),
        ("pharisaism", "First paragraph. The SVR's press office mentioned ... '[pharisaism],' against the backdrop."),
    ],
)  # fmt: skip
def test_the_cli_marks_a_phrase_whole(db: Path, query: str, snippet: str) -> None:
    assert [hit.as_json()["snippet"] for hit in search(db, query)] == [snippet]


@pytest.mark.parametrize(
    ("query", "snippet"),
    [
        # FTS5 alone: "…every year pass the <mark>Bab</mark> … "
        ('"bab el-mandeb"', "About a tenth of the oil and a third of the liquefied gas that the world buys from abroad "
                            "every year pass the <mark>Bab el-Mandeb</mark> …"),
        ('"strait of hormuz"', "About a fifth of the oil consumed in the world passes through the <mark>Strait of Hormuz"
                               "</mark>, between Iran and Oman. This explainer looks at …"),
        # on one line, as the CLI shows it: not two paragraphs, the mark closed at the first one's end
        ('"paragraph the svr"', "First <mark>paragraph. The SVR</mark>'s press office mentioned ... 'pharisaism,' against "
                                "the backdrop."),
        ('"الإحتلالُ يُصعِّد"', "<mark>الإحتلالُ يُصعِّد</mark> في غزّة"),
    ],
)  # fmt: skip
def test_the_canned_query_marks_a_phrase_whole(db: Path, query: str, snippet: str) -> None:
    assert [row["snippet"] for row in canned(db, q=query)] == [snippet]
    assert canned_cells(db, q=query) == [f'<div style="white-space: normal"><p>{snippet}</p></div>']
