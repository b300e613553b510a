"""One archive, three editions, on the desk: ``newscrawl search`` in each language (Arabic with or
without its marks and whatever the alef, Spanish with or without accents, the snippet showing the
text as written), ``--edition`` on ``stats``, ``search`` and ``export``, and an archive of
schema version 1 migrated to the search form's index."""

from __future__ import annotations

import csv
import dataclasses
import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from typing import TYPE_CHECKING, Any

import pytest
import sqlite_utils

from newscrawl.archive import SCHEMA_VERSION, Archive
from tests.test_archive import article

if TYPE_CHECKING:
    from pathlib import Path

AR = "https://www.almayadeen.net"
ES = "https://espanol.almayadeen.net"
GAZA_AR = f"{AR}/news/politics/الإحتلال-يصعد-في-غزة"
SCHOOLS_ES = f"{ES}/articulos/2046797/la-educación-en-gaza"
SEED_EN = "https://english.almayadeen.net/news/politics/russian-intel-reveals-us-urging--israel--to-expedite-genocid"
FETCHED = "2025-07-23T17:00:00+00:00"

ARTICLES = [
    article(),  # English: "Russian intel reveals US urging 'Israel' to expedite genocide in Gaza", section Politics
    article(
        url=GAZA_AR, edition="ar", language="ar", post_id="900001", section="سياسة", source="وكالات",
        headline="الإحتلالُ يُصعِّد في غزّة",
        lead="صعّدت قوّاتُ الإحتلالِ قصفَها على مستشفى في شمالِ القطاع.",
        body="أكّدت مصادرُ طبّيّةٌ في غزّة أنّ القصفَ طالَ محيطَ المستشفى.\n\nوقالَ الدّفاعُ المدنيُّ إنّ فرقَه تعملُ على إنقاذِ الجرحى.",
        authors=["الميادين"], tags=["غزة", "فلسطين"], captions=[], related=[],
        published_at="2025-07-23T19:20:00+03:00", published_raw="23 تموز 2025 19:20",
    ),
    article(
        url=SCHOOLS_ES, edition="es", language="es", post_id="2046797", section="Entrevistas", source="Fuente: Al Mayadeen",
        headline="La educación en Gaza, bajo las bombas",
        lead="Más de 600.000 niños no tienen acceso a la educación desde octubre.",
        body="La destrucción de escuelas en Gaza deja sin educación a toda una generación.",
        authors=["Al Mayadeen Español"], tags=["Gaza", "Educación"], captions=[], related=[],
        published_at="2025-07-23T19:20:00+03:00", published_raw="23 Julio 19:20",
    ),
]  # fmt: skip


def newscrawl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newscrawl.cli", *args], capture_output=True, text=True, timeout=60, check=False)


def search_json(db: Path, *args: str) -> list[dict[str, Any]]:
    result = newscrawl("search", "--db", str(db), "--json", *args)
    assert result.returncode in (0, 1), result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


# --- search in each language -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "url", "snippet"),
    [
        # without the damma, with a bare alef for the alef with hamza below
        ("الاحتلال", GAZA_AR, "[الإحتلالُ] يُصعِّد في غزّة"),
        # ta marbuta as ha, no shadda: the body's snippet, where the word is seen most
        ("غزه", GAZA_AR, "أكّدت مصادرُ طبّيّةٌ في [غزّة] أنّ القصفَ طالَ محيطَ المستشفى. وقالَ الدّفاعُ المدنيُّ إنّ…"),
        # written with other marks than the text's, and with tatweel
        ("يَصـعد", GAZA_AR, "الإحتلالُ [يُصعِّد] في غزّة"),
        # alef maqsura as ya, in the lead
        ("مستشفي", GAZA_AR, "صعّدت قوّاتُ الإحتلالِ قصفَها على [مستشفى] في شمالِ القطاع."),
        # a phrase, marks and alef forms in the query folded too
        ('"الإحتلالُ يُصعِّد"', GAZA_AR, "[الإحتلالُ يُصعِّد] في غزّة"),
        ("educacion", SCHOOLS_ES, "La [educación] en Gaza, bajo las bombas"),
        ("EDUCACIÓN", SCHOOLS_ES, "La [educación] en Gaza, bajo las bombas"),
        ("pharisaism", SEED_EN, "First paragraph. The SVR's press office mentioned ... '[pharisaism],' against the backdrop."),
    ],
)
def test_search_finds_each_language_and_shows_the_text_as_written(editions: Path, query: str, url: str, snippet: str) -> None:
    hits = search_json(editions, query)
    assert [hit["url"] for hit in hits] == [url]
    assert hits[0]["snippet"] == snippet


def test_search_of_an_arabic_word_prints_the_article(editions: Path) -> None:
    result = newscrawl("search", "الاحتلال", "--db", str(editions))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "1. 2025-07-23  سياسة  الإحتلالُ يُصعِّد في غزّة",
        f"   {GAZA_AR}",
        "   [الإحتلالُ] يُصعِّد في غزّة",
    ]


def test_a_word_in_every_edition_ranks_the_headlines_first(editions: Path) -> None:
    assert {hit["url"] for hit in search_json(editions, "gaza OR غزه")} == {GAZA_AR, SCHOOLS_ES, SEED_EN}


# --- --edition ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edition", "urls"), [(None, {SCHOOLS_ES, SEED_EN}), ("es", {SCHOOLS_ES}), ("en", {SEED_EN}), ("ar", set())]
)
def test_search_edition(editions: Path, edition: str | None, urls: set[str]) -> None:
    args = ("--edition", edition) if edition else ()
    assert {hit["url"] for hit in search_json(editions, "gaza", *args)} == urls


def test_stats_edition(editions: Path) -> None:
    every = json.loads(newscrawl("stats", "--db", str(editions), "--json").stdout)
    assert (every["edition"], every["articles"], every["by_edition"], every["tags"]) == (
        None, 3, {"ar": 1, "en": 1, "es": 1}, 7,
    )  # fmt: skip
    arabic = json.loads(newscrawl("stats", "--db", str(editions), "--json", "--edition", "ar").stdout)
    assert {key: arabic[key] for key in ("edition", "articles", "by_edition", "by_section", "tags", "versions", "runs")} == {
        "edition": "ar", "articles": 1, "by_edition": {"ar": 1}, "by_section": {"سياسة": 1}, "tags": 2, "versions": 0,
        "runs": 0,
    }  # fmt: skip
    assert arabic["first_published"] == arabic["last_published"] == "2025-07-23T19:20:00+03:00"
    text = newscrawl("stats", "--db", str(editions), "--edition", "es").stdout.splitlines()
    assert text[:2] == [f"archive     {editions}, edition es", "articles    1"]
    assert "by section  Entrevistas 1" in text


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_edition(editions: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"ar.{fmt}"
    result = newscrawl("export", "--db", str(editions), "--format", fmt, "--edition", "ar", str(out))
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8", newline="") as stream:
        rows = [json.loads(line) for line in stream] if fmt == "jsonl" else list(csv.DictReader(stream))
    tags = ["غزة", "فلسطين"] if fmt == "jsonl" else json.dumps(["غزة", "فلسطين"], ensure_ascii=False)
    assert [(row["url"], row["edition"], row["headline"], row["tags"]) for row in rows] == [
        (GAZA_AR, "ar", "الإحتلالُ يُصعِّد في غزّة", tags)
    ]


@pytest.mark.parametrize("command", [["stats"], ["search", "gaza"], ["export", "--format", "jsonl", "-"]])
def test_an_edition_the_archive_does_not_hold_is_refused_in_one_line(editions: Path, command: list[str]) -> None:
    result = newscrawl(*command, "--db", str(editions), "--edition", "fr")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"newscrawl {command[0]}: no article of edition 'fr' in {editions} (its editions: ar, en, es)\n"


def test_an_edition_of_an_empty_archive_is_refused(tmp_path: Path) -> None:
    Archive(tmp_path / "empty.db").close()
    result = newscrawl("stats", "--db", str(tmp_path / "empty.db"), "--edition", "en")
    assert (result.returncode, result.stderr) == (2, f"newscrawl stats: no article of edition 'en' in {tmp_path / 'empty.db'} "
                                                     "(it holds no article yet)\n")  # fmt: skip


def test_an_edition_of_a_missing_archive_says_the_archive_is_missing(tmp_path: Path) -> None:
    result = newscrawl("search", "gaza", "--db", str(tmp_path / "none.db"), "--edition", "ar")
    assert (result.returncode, result.stderr) == (1, f"newscrawl search: no archive at {tmp_path / 'none.db'}\n")


# --- the migration --------------------------------------------------------------------------------


def version_1(db: Path) -> None:
    """An archive as newscrawl wrote it at schema version 1: its index holds the text as written,
    with FTS5's default tokenizer (sqlite-utils' ``enable_fts``)."""
    archive = Archive(db)
    archive.store_articles(ARTICLES, FETCHED)
    archive.close()
    with closing(sqlite3.connect(db)) as con:
        for trigger in ("articles_ai", "articles_ad", "articles_au"):
            con.execute(f"DROP TRIGGER {trigger}")
        con.execute("DROP TABLE articles_fts")
        con.commit()
    sqlite_utils.Database(db)["articles"].enable_fts(["headline", "lead", "body"], fts_version="FTS5", create_triggers=True)
    with closing(sqlite3.connect(db)) as con:
        con.execute("PRAGMA user_version = 1")
        con.commit()


def test_an_archive_of_version_1_gets_the_search_form_index(tmp_path: Path) -> None:
    db = tmp_path / "v1.db"
    version_1(db)
    assert search_json(db, "الاحتلال") == []  # before: the text as written, split at its marks
    assert [hit["url"] for hit in search_json(db, "pharisaism")] == [SEED_EN]
    Archive(db, exclusive=True).close()
    with closing(sqlite3.connect(db)) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
        assert con.execute("SELECT count(*) FROM articles_fts_docsize").fetchone()[0] == 3  # each article indexed once
        assert "categories" in con.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'").fetchone()[0]
    assert [hit["snippet"] for hit in search_json(db, "الاحتلال")] == ["[الإحتلالُ] يُصعِّد في غزّة"]
    assert [hit["url"] for hit in search_json(db, "pharisaism")] == [SEED_EN]
    # and a text changed afterwards is indexed anew, the one it replaced gone from the index
    archive = Archive(db, exclusive=True)
    archive.store_articles([dataclasses.replace(ARTICLES[1], headline="المقاومةُ تردّ")], FETCHED)
    archive.close()
    assert [hit["headline"] for hit in search_json(db, "المقاومه")] == ["المقاومةُ تردّ"]
    assert search_json(db, "headline:يصعد") == []
