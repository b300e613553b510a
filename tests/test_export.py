"""``newscrawl export``: each format read back gives the rows of the ``articles`` table for the same
filters, on an archive of the fixture mirror; streaming in batches; clear refusals."""

from __future__ import annotations

import csv
import errno
import io
import json
import subprocess
import sys
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

import pyarrow.parquet as pq
import pytest

from newscrawl.archive import ArchiveError
from newscrawl.desk.export import export_articles, export_failed, progress_line
from newscrawl.desk.query import ArticleFilter
from tests.conftest import connect, published_day, run_on_terminal

if TYPE_CHECKING:
    from pathlib import Path


def newscrawl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newscrawl.cli", *args], capture_output=True, text=True, timeout=60, check=False)


#: Filters of the round trips, each as the options and what they select.
FILTERS = {
    "all": (),
    "section": ("--section", "politics"),
    "since": ("--since", "2025-01-01"),
    "window": ("--since", "2023-11-01", "--until", "2023-11-30"),
    "section in window": ("--section", "Opinion", "--since", "2025-05-01", "--until", "2025-06-30"),
}


def table_rows(db: Path, args: tuple[str, ...]) -> list[dict[str, Any]]:
    """The ``articles`` rows the options ``args`` select, by id, filtered here in Python."""
    options = dict(zip(args[::2], args[1::2], strict=True))
    with connect(db) as con:
        rows = [dict(row) for row in con.execute("SELECT * FROM articles ORDER BY id")]
    return [
        row
        for row in rows
        if in_range(published_day(row["published_at"]), options)
        and (row["section"] or "").lower() == options.get("--section", row["section"] or "").lower()
    ]


def in_range(day: str | None, options: dict[str, str]) -> bool:
    """Whether an article of ``day`` is in the range of the options: without a date, only when
    the options give none."""
    if day is None:
        return not {"--since", "--until"} & options.keys()
    return options.get("--since", "") <= day <= options.get("--until", "9999")


def decoded(row: dict[str, Any], *, objects: bool) -> dict[str, Any]:
    """``row`` with its JSON-array columns (and, with ``objects``, sitemap_news and field_sources) decoded."""
    names = ["authors", "tags", "missing_fields", *(["sitemap_news", "field_sources"] if objects else [])]
    return {name: json.loads(value) if name in names and value is not None else value for name, value in row.items()}


def read_back(fmt: str, path: Path) -> list[dict[str, Any]]:
    if fmt == "parquet":  # its UTC times are timestamps: back to the archive's text to compare
        return [
            {name: value.isoformat() if isinstance(value, datetime) else value for name, value in row.items()}
            for row in pq.read_table(path).to_pylist()
        ]
    text = path.read_text(encoding="utf-8")
    if fmt == "jsonl":
        return [json.loads(line) for line in text.splitlines()]
    return list(csv.DictReader(io.StringIO(text, newline="")))


def as_csv(row: dict[str, Any]) -> dict[str, str]:
    return {name: "" if value is None else str(value) for name, value in row.items()}


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
@pytest.mark.parametrize("name", FILTERS)
def test_export_round_trips(archive: Path, tmp_path: Path, fmt: str, name: str) -> None:
    args = FILTERS[name]
    expected = table_rows(archive, args)
    assert 0 < len(expected) <= 52
    assert (len(expected) == 52) == (name == "all")
    out = tmp_path / f"articles.{fmt}"
    result = newscrawl("export", "--db", str(archive), "--format", fmt, *args, str(out))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")  # piped: no progress line
    rows = read_back(fmt, out)
    if fmt == "csv":
        assert rows == [as_csv(row) for row in expected]
    else:
        assert rows == [decoded(row, objects=fmt == "jsonl") for row in expected]
    assert sorted(path.name for path in tmp_path.iterdir()) == [out.name]  # no temporary file left


def test_export_keeps_columns_and_types(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.parquet"
    assert newscrawl("export", "--db", str(archive), "--format", "parquet", str(out)).returncode == 0
    schema = pq.read_schema(out)
    with connect(archive) as con:
        columns = [row["name"] for row in con.execute("PRAGMA table_xinfo(articles)")]
    assert schema.names == columns
    assert {"published_at_utc", "modified_at_utc"} <= set(columns)
    types = {name: str(schema.field(name).type) for name in schema.names}
    assert (types["id"], types["share_count"], types["headline"]) == ("int64", "int64", "string")
    assert types["tags"] == types["authors"] == types["missing_fields"] == "list<element: string>"
    assert types["sitemap_news"] == "string"
    assert types["published_at"] == types["modified_at"] == "string"  # local times, offsets differ by row
    for name in ("published_at_utc", "modified_at_utc", "first_seen_at", "last_fetched_at"):
        assert types[name] == "timestamp[ms, tz=UTC]", name
    (seed,) = [row for row in pq.read_table(out).to_pylist() if "pharisaism" in (row["body"] or "")]
    assert seed["authors"] == ["Al Mayadeen English"]
    assert seed["published_at_utc"] == datetime(2023, 11, 13, 18, 45, tzinfo=timezone.utc)  # 20:45 in Beirut
    assert "Russian intelligence" in seed["tags"]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_to_standard_output(archive: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"a.{fmt}"
    assert newscrawl("export", "--db", str(archive), "--format", fmt, "--section", "Opinion", str(out)).returncode == 0
    result = subprocess.run(
        [sys.executable, "-m", "newscrawl.cli", "export", "--db", str(archive), "--format", fmt, "--section", "Opinion", "-"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, b"")
    assert result.stdout == out.read_bytes()
    assert [row["section"] for row in read_back(fmt, out)] == ["Opinion"] * 7


def test_export_to_a_reader_that_stops(archive: Path) -> None:
    command = f"{sys.executable} -m newscrawl.cli export --db {archive} --format jsonl - | head -n 1"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=60, check=False)
    assert (result.returncode, result.stderr) == (0, "")
    assert json.loads(result.stdout)["id"] == 1


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_export_streams_in_batches(archive: Path, tmp_path: Path, fmt: str) -> None:
    calls: list[tuple[int, int]] = []
    out = tmp_path / f"a.{fmt}"
    written = export_articles(archive, fmt, out, ArticleFilter(section="Politics"), batch=5, progress=lambda *a: calls.append(a))
    assert written == 18
    assert calls == [(5, 18), (10, 18), (15, 18), (18, 18)]
    if fmt == "parquet":
        assert pq.ParquetFile(out).metadata.num_row_groups == 4  # one per batch
        assert pq.read_table(out).num_rows == 18


def test_export_of_nothing_selected(archive: Path, tmp_path: Path) -> None:
    where = ArticleFilter(since=date(2030, 1, 1))
    assert export_articles(archive, "csv", tmp_path / "a.csv", where) == 0
    assert (tmp_path / "a.csv").read_text().startswith("id,url,post_id,edition,")
    assert export_articles(archive, "parquet", tmp_path / "a.parquet", where) == 0
    assert pq.read_table(tmp_path / "a.parquet").num_rows == 0


def test_export_shows_progress_on_a_terminal(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    command = [sys.executable, "-m", "newscrawl.cli", "export", "--db", str(archive), "--format", "jsonl", str(out)]
    returncode, output = run_on_terminal(command)
    assert returncode == 0
    shown = output.replace("\r\n", "\n").split("\r")
    assert "newscrawl export: 52 of 52 articles (100%)" in shown
    assert shown[-1] == f"newscrawl export: 52 articles to {out}\x1b[K\n"


@pytest.mark.parametrize(
    ("done", "total", "line"),
    [(0, 0, "0 of 0 articles"), (1000, 52000, "1,000 of 52,000 articles (1%)"), (52, 52, "52 of 52 articles (100%)")],
)
def test_progress_line(done: int, total: int, line: str) -> None:
    assert progress_line(done, total) == line


@pytest.mark.parametrize(
    ("exc", "shown"),
    [
        (ArchiveError("no archive at a.db"), "newscrawl export: no archive at a.db\n"),
        (OSError(errno.EISDIR, "Is a directory"), "newscrawl export: cannot write out.csv: Is a directory\n"),
        (OSError("disk gone"), "newscrawl export: cannot write out.csv: disk gone\n"),
    ],
)
def test_export_failed(capsys: pytest.CaptureFixture[str], exc: ArchiveError | OSError, shown: str) -> None:
    assert export_failed(exc, "out.csv") == 1
    assert capsys.readouterr() == ("", shown)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--format", "parquet", "-"), 2, "newscrawl export: parquet needs a file to write"),
        (("--format", "csv", "--since", "2024-1-1", "x.csv"), 2, "argument --since: '2024-1-1' is not a date YYYY-MM-DD"),
        (("--format", "csv", "--until", "2024-02-30", "x.csv"), 2, "argument --until: '2024-02-30' is not a date YYYY-MM-DD"),
        (("--format", "csv", "--since", "2024-02-01", "--until", "2024-01-31", "x.csv"), 2,
         "newscrawl export: --since 2024-02-01 is after --until 2024-01-31"),
        (("--format", "xlsx", "x.xlsx"), 2, "argument --format: invalid choice: 'xlsx'"),
        (("--format", "csv", "no/such/folder/x.csv"), 1, "newscrawl export: cannot write no/such/folder/x.csv: No such file or directory"),
    ],
)  # fmt: skip
def test_export_refusals(archive: Path, tmp_path: Path, args: tuple[str, ...], code: int, message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "newscrawl.cli", "export", "--db", str(archive), *args],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (code, "")
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_that_fails_leaves_nothing_behind(archive: Path, tmp_path: Path, fmt: str) -> None:
    (tmp_path / "out").mkdir()  # a folder where the file should go: the last step, the rename, fails
    result = newscrawl("export", "--db", str(archive), "--format", fmt, str(tmp_path / "out"))
    assert result.returncode == 1
    assert result.stderr == f"newscrawl export: cannot write {tmp_path / 'out'}: Is a directory\n"
    assert [path.name for path in tmp_path.iterdir()] == ["out"]
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize(
    ("make", "message"), [("missing", "no archive at {db}"), ("zero bytes", "archive {db} holds no article yet")]
)
def test_export_without_an_archive(tmp_path: Path, make: str, message: str) -> None:
    db = tmp_path / "archive.db"
    if make == "zero bytes":
        db.touch()
    result = newscrawl("export", "--db", str(db), "--format", "csv", str(tmp_path / "a.csv"))
    assert (result.returncode, result.stderr) == (1, f"newscrawl export: {message.format(db=db)}\n")
    assert not (tmp_path / "a.csv").exists()


def test_parquet_without_pyarrow_says_how_to_install_it(archive: Path, tmp_path: Path) -> None:
    # pyarrow blocked as if not installed (None in sys.modules fails its import)
    script = (
        "import sys; sys.modules['pyarrow'] = None; from newscrawl.cli import main; "
        f"sys.exit(main(['export', '--db', {str(archive)!r}, '--format', 'parquet', {str(tmp_path / 'a.parquet')!r}]))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "newscrawl export: --format parquet needs pyarrow, which is not installed: pip install 'newscrawl[parquet]'\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_no_command_imports_pyarrow_before_parquet_is_asked_for() -> None:
    script = (
        "import sys, newscrawl.cli, newscrawl.desk.export, newscrawl.desk.query, newscrawl.record.webarchive; "
        "print('pyarrow' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout == "False\n"
