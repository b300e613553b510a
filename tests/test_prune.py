"""``newscrawl warc prune``: WARC files of old fetches go, the archive's text stays."""

from __future__ import annotations

import os
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from newscrawl.archive import Archive
from newscrawl.cli import main
from newscrawl.record import retention
from newscrawl.warc import Capture, default_warc_dir, warc_file_name
from tests.warcbuild import Fetch, add_article, write_orphan, write_run

A, B, C = "http://site.example/a", "http://site.example/b", "http://site.example/c"
OLD = 1735718400  # 2025-01-01T08:00:00Z


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Run 1 (January) wrote A and B to its first file, C to its second; run 2 (March) fetched A
    again, a revisit of run 1's response. Plus an orphan file of the crawl from January, a
    recent one, an old one of another archive sharing the folder, and a file that is not the
    crawl's."""
    db = tmp_path / "archive.db"
    warc_dir = default_warc_dir(db)
    archive = Archive(db)
    previous: dict[str, Capture] = {}
    first = write_run(archive, warc_dir, [
        [Fetch(A, "2025-01-01T08:00:00+00:00", b"<html>A</html>"), Fetch(B, "2025-01-01T08:00:01+00:00", b"<html>B</html>")],
        [Fetch(C, "2025-01-01T08:00:02+00:00", b"<html>C</html>")],
    ], previous)  # fmt: skip
    second = write_run(archive, warc_dir, [[Fetch(A, "2025-03-01T08:00:00+00:00", b"<html>A</html>", revisit=True)]], previous)
    for capture, headline in ((second[0], "A"), (first[1], "B"), (first[2], "C")):
        add_article(archive, capture, headline)
    archive.close()
    write_orphan(warc_dir / warc_file_name(9, 1), db, OLD)
    write_orphan(warc_dir / warc_file_name(10, 1), db)
    # an old file of another archive sharing the folder: never this one's orphan
    write_orphan(warc_dir / warc_file_name(11, 1), db.with_name("other.db"), OLD)
    (warc_dir / "notes.txt").write_text("mine")
    os.utime(warc_dir / "notes.txt", (OLD, OLD))
    return db


def state(db: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[str]]:
    """The captures' pointers, the articles' text, and the files of the WARC folder."""
    with sqlite3.connect(db) as con:
        captures = con.execute(
            "SELECT id, url, record_type, warc_file, offset IS NOT NULL, length IS NOT NULL FROM captures ORDER BY id"
        )
        articles = con.execute("SELECT headline, body, capture_id FROM articles ORDER BY id")
        found = (captures.fetchall(), articles.fetchall())
    con.close()
    return found[0], found[1], sorted(p.name for p in default_warc_dir(db).iterdir())


def test_prune_removes_old_files_keeps_text_and_the_responses_revisits_need(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    warc_dir = default_warc_dir(db)
    run1, run1b, run2 = warc_file_name(1, 1), warc_file_name(1, 2), warc_file_name(2, 1)
    sizes = (warc_dir / run1b).stat().st_size + (warc_dir / warc_file_name(9, 1)).stat().st_size
    assert main(["warc", "prune", "--before", "2025-02-01", "--db", str(db)]) == 0
    assert capsys.readouterr().out == (
        f"removed 2 WARC files ({sizes:,} bytes) from {warc_dir}; 1 captures no longer have their record (the articles' text stays)\n"
        "kept 1 files fetched before 2025-02-01 whose responses newer revisits replay with\n"
    )
    captures, articles, files = state(db)
    # Run 1's first file stays: A's March revisit replays with the response in it.
    assert captures == [
        (1, A, "response", run1, 1, 1),
        (2, B, "response", run1, 1, 1),
        (3, C, "response", None, 0, 0),
        (4, A, "revisit", run2, 1, 1),
    ]
    assert articles == [("A", "text", 4), ("B", "text", 2), ("C", "text", 3)]
    assert files == [run1, run2, warc_file_name(10, 1), warc_file_name(11, 1), "notes.txt"]

    # Once the revisit's own file is old too, both go.
    assert main(["warc", "prune", "--before", "2025-04-01", "--db", str(db)]) == 0
    assert "removed 2 WARC files" in capsys.readouterr().out
    captures, articles, files = state(db)
    assert [c[3:] for c in captures] == [(None, 0, 0)] * 4
    assert articles == [("A", "text", 4), ("B", "text", 2), ("C", "text", 3)]
    assert files == [warc_file_name(10, 1), warc_file_name(11, 1), "notes.txt"]


def test_dry_run_changes_nothing(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = state(db)
    assert main(["warc", "prune", "--dry-run", "--before", "2025-02-01", "--db", str(db)]) == 0
    assert capsys.readouterr().out.startswith("would remove 2 WARC files (")
    assert state(db) == before


def test_a_prune_stopped_between_its_steps_is_finished_by_the_next(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    warc_dir = default_warc_dir(db)
    doomed = warc_file_name(1, 2)

    def fail(self: Path, missing_ok: bool = False) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "unlink", fail)
    assert main(["warc", "prune", "--before", "2025-02-01", "--db", str(db)]) == 1
    assert capsys.readouterr().err.endswith("Permission denied; run it again\n")
    # The archive forgot the file first: no capture names a file that may be gone.
    captures, _, files = state(db)
    assert captures[2][3] is None
    assert doomed in files
    monkeypatch.undo()
    assert main(["warc", "prune", "--before", "2025-02-01", "--db", str(db)]) == 0
    assert capsys.readouterr().out.startswith("removed 2 WARC files")
    assert doomed not in state(db)[2]
    assert not (warc_dir / warc_file_name(9, 1)).exists()


def test_prune_waits_for_no_crawl(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    crawl = Archive(db, exclusive=True)
    try:
        before = state(db)
        assert main(["warc", "prune", "--before", "2025-02-01", "--db", str(db)]) == 4
        assert capsys.readouterr().err.startswith(f"newscrawl warc prune: archive {db} is in use by another crawl (pid ")
        assert state(db) == before
    finally:
        crawl.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--before", "2025-13-01"], "argument --before: '2025-13-01' is not a date YYYY-MM-DD"),
        ([], "the following arguments are required: --before"),
    ],
)
def test_bad_input_is_exit_2(db: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["warc", "prune", "--db", str(db), *args])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(message)


def test_no_archive_is_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["warc", "prune", "--before", "2025-02-01", "--db", str(tmp_path / "none.db")]) == 1
    assert capsys.readouterr().err == f"newscrawl warc prune: no archive at {tmp_path / 'none.db'}\n"


def test_plan_of_an_archive_without_captures(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY)")
    con.close()
    plan = retention.plan_prune(db, default_warc_dir(db), date(2025, 2, 1))
    assert (plan.files, plan.captures, plan.kept_for_revisits) == ({}, 0, [])


def test_files_the_archive_names_but_the_folder_lacks_are_left_alone(db: Path, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    before = state(db)
    assert main(["warc", "prune", "--before", "2025-02-01", "--db", str(db), "--warc-dir", str(elsewhere)]) == 0
    assert capsys.readouterr().out == (
        f"removed 0 WARC files (0 bytes) from {elsewhere}; 0 captures no longer have their record (the articles' text stays)\n"
        f"left 1 files fetched before 2025-02-01 that the archive names but {elsewhere} lacks (another --warc-dir?), "
        f"e.g. {warc_file_name(1, 2)}\n"
        "kept 1 files fetched before 2025-02-01 whose responses newer revisits replay with\n"
    )
    assert state(db) == before
