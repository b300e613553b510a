"""What every table, view and column of the archive means, written once.

The descriptions are data, in ``archive_schema.toml`` beside this module; this module reads them
into :data:`RELATIONS`. ``docs/archive.md`` is generated from them (``python -m newscrawl.desk.schema_docs``;
``--check`` fails when the file is stale), and ``newscrawl serve`` gives Datasette the same
descriptions (:func:`table_description`, :func:`column_descriptions`). Descriptions are Markdown;
Datasette shows them as plain text (:func:`plain`).
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

from newscrawl.archive import SCHEMA_VERSION

#: Where the generated reference lives.
DOCS_PATH = Path(__file__).resolve().parents[2] / "docs" / "archive.md"


@dataclass(frozen=True)
class Column:
    """One row of a table's column list: one or more columns sharing a meaning."""

    names: tuple[str, ...]
    type: str
    meaning: str

    @property
    def is_json(self) -> bool:
        """Whether the column holds JSON text (an array or an object)."""
        return "JSON" in self.type


@dataclass(frozen=True)
class Example:
    """An example query, with what it shows."""

    caption: str
    sql: str


@dataclass(frozen=True)
class Relation:
    """A table or view of the archive: its description (the first paragraph is the summary
    Datasette shows), its columns, notes after the column list, and example queries."""

    name: str
    kind: str  # "table", "view" or "fts" (a full-text index)
    description: str
    columns: tuple[Column, ...]
    notes: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()

    @property
    def column_names(self) -> list[str]:
        """Every column described, in order."""
        return [name for column in self.columns for name in column.names]


INTRO = """\
One SQLite file (default `data/archive.db`) in WAL mode, so it can be read while a crawl writes.
`newscrawl/archive/` creates the schema and the views and performs every write. Times are ISO
8601. Times taken from the site keep the site's own offset (Asia/Beirut: `+02:00` in winter,
`+03:00` in summer). Times taken from the crawler's clock are UTC (`+00:00`).

This file is generated from the descriptions in `newscrawl/desk/archive_schema.toml`, which also
give `newscrawl serve` (Datasette) its table and column descriptions: edit that file, then run
`.venv/bin/python -m newscrawl.desk.schema_docs` (a test fails while this file is stale)."""

#: The schema's version, after the intro.
VERSIONS = f"""\
The schema has a version, kept in the file (`PRAGMA user_version`): this newscrawl writes version
{SCHEMA_VERSION}; version 0 is every archive from before versions. A crawl migrates an archive of an
older version in place, in one transaction, before it writes anything else; it refuses an archive of
a newer version (written by a newer newscrawl) with exit status 2, writing nothing. The readers
(`newscrawl stats`, `search`, `export`, `runs`, `serve`) read an archive of any version."""

#: SQLite's own tables and the FTS5 index's shadow tables: internal, not described.
INTERNAL_TABLES = re.compile(r"^(sqlite_.*|articles_fts_(config|data|docsize|idx|content))$")

#: The descriptions themselves: data, in a file of the package beside this module.
SCHEMA_FILE = Path(__file__).with_name("archive_schema.toml")


def load_relations(text: str) -> tuple[Relation, ...]:
    """The tables and views described in ``text``, laid out as :data:`SCHEMA_FILE` is."""
    return tuple(
        Relation(
            item["name"],
            item["kind"],
            item["description"],
            tuple(Column(tuple(column["names"]), column["type"], column["meaning"]) for column in item["column"]),
            tuple(item.get("notes", ())),
            tuple(Example(example["caption"], example["sql"]) for example in item.get("example", ())),
        )
        for item in tomllib.loads(text)["relation"]
    )


RELATIONS: tuple[Relation, ...] = load_relations(SCHEMA_FILE.read_text(encoding="utf-8"))


def relation(name: str) -> Relation:
    """The description of the table or view ``name``; raises :class:`KeyError` for an unknown one."""
    for item in RELATIONS:
        if item.name == name:
            return item
    raise KeyError(name)


def plain(markdown: str) -> str:
    """``markdown`` as plain text (inline code marks dropped), as Datasette shows descriptions."""
    return markdown.replace("`", "")


def table_description(name: str) -> str:
    """The plain-text description Datasette shows above the table or view ``name``."""
    return plain(relation(name).description)


def column_descriptions(name: str) -> dict[str, str]:
    """Plain-text descriptions of each column of the table or view ``name``, by column name."""
    return {column_name: plain(column.meaning) for column in relation(name).columns for column_name in column.names}


def json_columns() -> dict[str, set[str]]:
    """The columns holding JSON text, by table or view name."""
    found: dict[str, set[str]] = {}
    for item in RELATIONS:
        names = {name for column in item.columns if column.is_json for name in column.names}
        if names:
            found[item.name] = names
    return found


def render_markdown() -> str:
    """``docs/archive.md``: the intro, then each table and view with its columns and examples."""
    parts = ["# The archive", INTRO, VERSIONS]
    for item in RELATIONS:
        heading = f"## `{item.name}`" + {"view": " (view)", "fts": " (full-text index)"}.get(item.kind, "")
        parts += [heading, _wrap(item.description)]
        rows = ["| column | type | meaning |", "| --- | --- | --- |"]
        rows += [f"| {', '.join(f'`{n}`' for n in column.names)} | {column.type} | {column.meaning} |" for column in item.columns]
        parts += ["\n".join(rows), *map(_wrap, item.notes)]
        for example in item.examples:
            parts += [_wrap(example.caption), f"```sql\n{example.sql}\n```"]
    return "\n\n".join(parts) + "\n"


def _wrap(paragraph: str) -> str:
    return textwrap.fill(paragraph, 100, break_long_words=False, break_on_hyphens=False)


def main(argv: list[str] | None = None) -> int:
    """Write ``docs/archive.md``, or with ``--check`` exit 1 when it differs from what would be written."""
    parser = argparse.ArgumentParser(prog="python -m newscrawl.desk.schema_docs", description=main.__doc__)
    parser.add_argument("--check", action="store_true", help="fail when docs/archive.md is stale instead of writing it")
    parser.add_argument("--out", type=Path, default=DOCS_PATH, help="the file (default: docs/archive.md)")
    args = parser.parse_args(argv)
    text = render_markdown()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        if current != text:
            print(f"{args.out} is stale: run python -m newscrawl.desk.schema_docs", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
