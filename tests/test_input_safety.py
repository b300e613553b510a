"""Text and URLs from pages are data: they never reach SQL, the shell, the file system, a
terminal or a spreadsheet as code or paths. A page full of injection attempts is archived
verbatim and harms nothing."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from newscrawl.desk.query import ArticleFilter, search_command
from tests.conftest import build_site, connect, crawl, start_mirror

if TYPE_CHECKING:
    from pathlib import Path

REAL = "https://english.almayadeen.net"
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


# --- control characters and formulas: stored as found, inert on a terminal and in a spreadsheet ---

ESCAPES_PATH = "news/politics/terminal-escapes-in-a-headline"
FORMULA_PATH = "news/politics/a-headline-that-is-a-formula"
#: SGR colours and a screen clear, an OSC window title, C1 CSI and OSC characters.
ESCAPES_HEADLINE = "Alert \x1b[2J\x1b[31mred\x1b[0m \x1b]0;pwned\x07 \x9b2J done \x9d0;t\x9c"
ESCAPES_BODY = "A zanzibarite paragraph \x1b]52;c;cm0gLXJmIH4=\x07 with \x1b[5mblinking\x1b[0m text \x90 and more."
FORMULA_HEADLINE = "=cmd|' /C calc'!A0"
FORMULA_LEAD = "+SUM(1;2) and @mention -1 of the zanzibarite lead"

HOSTILE_BYTES = f"""
base = {{a.key: a for a in content.ARTICLES}}["water"]
escapes = dataclasses.replace(
    base, key="escapes", path={ESCAPES_PATH!r}, local="2025-07-13 13:05", headline={ESCAPES_HEADLINE!r},
    body=({ESCAPES_BODY!r}, *base.body[1:]),
)
formula = dataclasses.replace(
    base, key="formula", path={FORMULA_PATH!r}, local="2025-07-13 13:10", headline={FORMULA_HEADLINE!r},
    lead={FORMULA_LEAD!r},
)
content.ARTICLES = (*content.ARTICLES, escapes, formula)
"""


def controls(text: str, allowed: str = "\n") -> list[str]:
    """The control characters (C0, DEL, C1) of ``text``, but ``allowed``."""
    return [c for c in text if c not in allowed and (ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0)]


@pytest.fixture(scope="module")
def hostile_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive of the fixture site with an article full of terminal escapes and one whose
    headline and lead are spreadsheet formulas."""
    folder = tmp_path_factory.mktemp("hostile-bytes")
    server = start_mirror(build_site(folder / "site", HOSTILE_BYTES))
    try:
        result = crawl(server.base_url, folder / "a.db")
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr[-3000:]
    return folder / "a.db"


def newscrawl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newscrawl.cli", *args], capture_output=True, text=True, timeout=60, check=False)


def test_control_characters_are_stored_as_found(hostile_archive: Path) -> None:
    with connect(hostile_archive) as con:
        row = con.execute("SELECT headline, body FROM articles WHERE url = ?", [f"{REAL}/{ESCAPES_PATH}"]).fetchone()
        formula = con.execute("SELECT headline, lead FROM articles WHERE url = ?", [f"{REAL}/{FORMULA_PATH}"]).fetchone()
    assert row["headline"] == ESCAPES_HEADLINE
    assert row["body"].startswith(ESCAPES_BODY)
    assert tuple(formula) == (FORMULA_HEADLINE, FORMULA_LEAD)


def test_search_shows_control_characters_escaped(hostile_archive: Path) -> None:
    result = newscrawl("search", "zanzibarite", "--db", str(hostile_archive))
    assert result.returncode == 0, result.stderr
    assert controls(result.stdout) == []
    assert "Alert \\x1b[2J\\x1b[31mred\\x1b[0m \\x1b]0;pwned\\x07 \\x9b2J done \\x9d0;t\\x9c" in " ".join(result.stdout.split())
    assert "\\x1b]52;c;cm0gLXJmIH4=\\x07" in result.stdout
    assert f"{FORMULA_HEADLINE}" in result.stdout  # a formula is harmless on a terminal


def test_search_on_a_terminal_writes_no_control_but_its_bold(hostile_archive: Path) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    assert search_command(hostile_archive, "zanzibarite", ArticleFilter(), 5, out=out) == 0
    shown = out.getvalue()
    assert "\x1b[1mzanzibarite\x1b[0m" in shown
    assert controls(shown.replace("\x1b[1m", "").replace("\x1b[0m", "")) == []


def test_search_json_keeps_the_text_and_escapes_every_control(hostile_archive: Path) -> None:
    result = newscrawl("search", "zanzibarite", "--db", str(hostile_archive), "--json")
    assert result.returncode == 0, result.stderr
    assert controls(result.stdout) == []
    headlines = {json.loads(line)["headline"] for line in result.stdout.splitlines()}
    assert headlines == {ESCAPES_HEADLINE, FORMULA_HEADLINE}


def test_csv_export_neutralizes_formulas(hostile_archive: Path) -> None:
    result = newscrawl("export", "--db", str(hostile_archive), "--format", "csv", "-")
    assert result.returncode == 0, result.stderr
    rows = {row["url"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    formula = rows[f"{REAL}/{FORMULA_PATH}"]
    assert (formula["headline"], formula["lead"]) == (f"'{FORMULA_HEADLINE}", f"'{FORMULA_LEAD}")
    assert rows[f"{REAL}/{ESCAPES_PATH}"]["headline"] == ESCAPES_HEADLINE  # a file holds the data as stored
    assert formula["id"].isdigit()
    assert formula["version"] == "1"
    assert not [cell for row in rows.values() for cell in row.values() if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_csv_export_keeps_formulas_when_asked(hostile_archive: Path) -> None:
    result = newscrawl("export", "--db", str(hostile_archive), "--format", "csv", "--keep-formulas", "-")
    assert result.returncode == 0, result.stderr
    rows = {row["url"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    assert (rows[f"{REAL}/{FORMULA_PATH}"]["headline"], rows[f"{REAL}/{FORMULA_PATH}"]["lead"]) == (
        FORMULA_HEADLINE,
        FORMULA_LEAD,
    )


def test_keep_formulas_is_for_csv_only(hostile_archive: Path, tmp_path: Path) -> None:
    result = newscrawl("export", "--db", str(hostile_archive), "--format", "jsonl", "--keep-formulas", "-")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "newscrawl export: --keep-formulas goes with --format csv, not jsonl\n"


def test_runs_and_stats_show_control_characters_escaped(hostile_archive: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    shutil.copy(hostile_archive, db)
    with connect(db) as con:  # a run whose note and arguments hold what a page or a user gave
        con.execute(
            "UPDATE crawl_runs SET args = json_set(args, '$.base_url', ?), stats = json_set(stats, '$.\"newscrawl/message\"', ?)",
            ["http://x\x1b]0;t\x07", "https://x/\x1b[2J refused the crawler: \x9b31m"],
        )
    result = newscrawl("runs", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert controls(result.stdout) == []
    assert "base_url=http://x\\x1b]0;t\\x07" in result.stdout
    assert result.stdout.rstrip().endswith("https://x/\\x1b[2J refused the crawler: \\x9b31m")
    as_json = newscrawl("runs", "--db", str(db), "--json")
    assert controls(as_json.stdout) == []
    assert json.loads(as_json.stdout)["args"]["base_url"] == "http://x\x1b]0;t\x07"
    stats = newscrawl("stats", "--db", str(db))
    assert stats.returncode == 0, stats.stderr
    assert controls(stats.stdout) == []
