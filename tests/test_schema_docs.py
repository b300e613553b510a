"""One source for the archive's descriptions: docs/archive.md and Datasette agree with the schema."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import pytest

from newscrawl.desk import schema_docs
from newscrawl.desk.schema_docs import INTERNAL_TABLES, RELATIONS, relation
from tests.conftest import connect

if TYPE_CHECKING:
    from pathlib import Path


def test_docs_archive_md_is_generated_and_current() -> None:
    assert schema_docs.main(["--check"]) == 0, "docs/archive.md is stale: run python -m newscrawl.desk.schema_docs"


def test_check_fails_on_a_stale_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "archive.md"
    assert schema_docs.main(["--out", str(out)]) == 0
    assert schema_docs.main(["--check", "--out", str(out)]) == 0
    out.write_text(out.read_text(encoding="utf-8").replace("primary key", "key"), encoding="utf-8")
    assert schema_docs.main(["--check", "--out", str(out)]) == 1
    assert "is stale" in capsys.readouterr().err


def archive_relations(db: Path) -> dict[str, list[str]]:
    """Every table and view of the archive that is not SQLite's own, with its columns."""
    with connect(db) as con:
        names = [
            name
            for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")
            if not INTERNAL_TABLES.match(name)
        ]
        # table_xinfo: generated columns too (hidden 1 is a virtual table's own hidden column).
        return {name: [row["name"] for row in con.execute(f"PRAGMA table_xinfo({name})") if row["hidden"] != 1] for name in names}


def test_every_table_view_and_column_is_described(archive: Path) -> None:
    actual = archive_relations(archive)
    assert sorted(actual) == sorted(r.name for r in RELATIONS)
    for name, columns in actual.items():
        assert sorted(relation(name).column_names) == sorted(columns), name


def test_kinds_match_the_archive(archive: Path) -> None:
    with connect(archive) as con:
        kinds = dict(con.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view')").fetchall())
    for item in RELATIONS:
        assert kinds[item.name] == ("view" if item.kind == "view" else "table"), item.name


@pytest.mark.parametrize(
    ("name", "sql"), [(r.name, e.sql) for r in RELATIONS for e in r.examples], ids=[r.name for r in RELATIONS for e in r.examples]
)
def test_example_queries_run(archive: Path, name: str, sql: str) -> None:
    with sqlite3.connect(f"{archive.resolve().as_uri()}?mode=ro", uri=True) as con:
        con.execute(sql).fetchall()


def test_every_relation_has_an_example() -> None:
    assert [r.name for r in RELATIONS if not r.examples] == []


def test_fts_example_finds_the_seed_article(archive: Path) -> None:
    sql = relation("articles_fts").examples[0].sql
    with connect(archive) as con:
        first = con.execute(sql).fetchone()
    assert first["url"].endswith("/russian-intel-reveals-us-urging--israel--to-expedite-genocid")


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("`en`, `ar` or `es`", "en, ar or es"),
        ('names without "By", e.g. `["Al Mayadeen English"]`', 'names without "By", e.g. ["Al Mayadeen English"]'),
        ("plain text", "plain text"),
    ],
)
def test_plain(markdown: str, text: str) -> None:
    assert schema_docs.plain(markdown) == text


def test_json_columns() -> None:
    assert schema_docs.json_columns() == {
        "articles": {"authors", "tags", "sitemap_news", "missing_fields", "field_sources"},
        "article_versions": {"authors", "tags", "captions", "field_sources"},
        "held_fetches": {"authors", "tags"},
        "crawl_runs": {"args", "stats"},
    }
