"""``newscrawl export --format warc|wacz``: the fetches behind the articles, for replay."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from newscrawl.archive import Archive
from newscrawl.cli import main
from newscrawl.record.webarchive import warc_date
from newscrawl.warc import Capture, default_warc_dir, warc_file_name
from tests.warcbuild import Fetch, add_article, write_run

BIN = Path(sys.executable).parent
A, B, C = "http://site.example/a", "http://site.example/b", "http://site.example/c"


@pytest.fixture
def archive(tmp_path: Path) -> tuple[Path, dict[str, Capture]]:
    """Two runs: the first fetched a listing, A and B; the second A again (a revisit: same
    payload), B changed, and C. Articles A, B, C point at the second run's captures; D was stored
    before captures were kept."""
    db = tmp_path / "data" / "archive.db"
    warc_dir = default_warc_dir(db)
    archive = Archive(db)
    previous: dict[str, Capture] = {}
    first = write_run(archive, warc_dir, [[
        Fetch("http://site.example/", "2025-01-01T08:00:00+00:00", b"<html>listing</html>"),
        Fetch(A, "2025-01-01T08:00:01+00:00", b"<html>A</html>"),
        Fetch(B, "2025-01-01T08:00:02+00:00", b"<html>B</html>"),
    ]], previous)  # fmt: skip
    second = write_run(archive, warc_dir, [[
        Fetch(A, "2025-02-01T08:00:01+00:00", b"<html>A</html>", revisit=True),
        Fetch(B, "2025-02-01T08:00:02+00:00", b"<html>B, corrected</html>"),
    ], [
        Fetch(C, "2025-02-01T08:00:03+00:00", b"<html>C</html>"),
    ]], previous)  # fmt: skip
    captures = {"listing": first[0], "a1": first[1], "b1": first[2], "a2": second[0], "b2": second[1], "c2": second[2]}
    add_article(archive, captures["a2"], "Headline A", section="Politics")
    add_article(archive, captures["b2"], "Headline B", section="Sports")
    add_article(archive, captures["c2"], "Headline C", section="Politics")
    archive.db.execute(
        "INSERT INTO articles (url, edition, headline, section, first_seen_at, last_fetched_at) "
        "VALUES ('http://site.example/d', 'en', 'Headline D', 'Politics', '2024-01-01', '2024-01-01')"
    )
    archive.db.conn.commit()
    archive.close()
    return db, captures


def records(path: Path) -> list[tuple[str, str | None, str | None]]:
    """``(type, target URI, record id)`` of every record of a WARC file, in order."""
    with path.open("rb") as stream:
        return [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.rec_headers.get_header("WARC-Record-ID"))
            for r in ArchiveIterator(stream)
        ]


def member(capture: Capture, warc_dir: Path) -> bytes:
    with (warc_dir / capture.warc_file).open("rb") as stream:
        stream.seek(capture.offset)
        return stream.read(capture.length)


def test_wacz_validates_and_holds_the_records_index_and_pages(archive: tuple[Path, dict[str, Capture]], tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    pytest.importorskip("wacz")
    db, _ = archive
    out = tmp_path / "out.wacz"
    assert main(["export", "--format", "wacz", "--db", str(db), str(out)]) == 0
    assert capsys.readouterr().err == (
        f"newscrawl export: 3 articles, 8 WARC records to {out}; 1 selected articles have no WARC record kept\n"
    )
    validation = subprocess.run([BIN / "wacz", "validate", "-f", out], capture_output=True, text=True, check=False)
    assert validation.returncode == 0, validation.stdout + validation.stderr
    assert "Validation succeeded, the passed WACZ is valid" in validation.stdout

    with zipfile.ZipFile(out) as wacz:
        assert sorted(wacz.namelist()) == [
            "archive/newscrawl.warc.gz", "datapackage-digest.json", "datapackage.json",
            "indexes/index.cdx.gz", "indexes/index.idx", "pages/pages.jsonl",
        ]  # fmt: skip
        assert wacz.getinfo("archive/newscrawl.warc.gz").compress_type == zipfile.ZIP_STORED
        index = gzip.decompress(wacz.read("indexes/index.cdx.gz")).decode().splitlines()
        pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").decode().splitlines()]
        package = json.loads(wacz.read("datapackage.json"))
    # Every response and revisit is indexed, A's first response too (its revisit replays with it);
    # the listing and B's first fetch are no article's capture.
    entries = sorted((json.loads(line.split(" ", 2)[2])["url"], line.split(" ")[1], json.loads(line.split(" ", 2)[2])["mime"])
                     for line in index)  # fmt: skip
    assert entries == [
        (A, "20250101080001", "text/html"),
        (A, "20250201080001", "warc/revisit"),
        (B, "20250201080002", "text/html"),
        (C, "20250201080003", "text/html"),
    ]
    assert pages == [
        {"format": "json-pages-1.0", "id": "pages", "title": "Archived articles"},
        {"id": "article-1", "url": A, "ts": "2025-02-01T08:00:01Z", "title": "Headline A"},
        {"id": "article-2", "url": B, "ts": "2025-02-01T08:00:02Z", "title": "Headline B"},
        {"id": "article-3", "url": C, "ts": "2025-02-01T08:00:03Z", "title": "Headline C"},
    ]
    assert package["wacz_version"] == "1.1.1"
    assert sorted(resource["path"] for resource in package["resources"]) == [
        "archive/newscrawl.warc.gz", "indexes/index.cdx.gz", "indexes/index.idx", "pages/pages.jsonl",
    ]  # fmt: skip
    assert not list(tmp_path.glob(".out.wacz*")), "the work folder and part file are gone"


def test_warc_copies_the_selected_records_as_they_are(archive: tuple[Path, dict[str, Capture]], tmp_path: Path) -> None:
    db, captures = archive
    out = tmp_path / "politics.warc.gz"
    assert main(["export", "--format", "warc", "--section", "politics", "--db", str(db), str(out)]) == 0
    # A's revisit needs A's first response; both come with their requests, in file order.
    assert records(out) == [
        ("warcinfo", None, records(out)[0][2]),
        ("response", A, captures["a1"].record_id),
        ("request", A, records(out)[2][2]),
        ("revisit", A, captures["a2"].record_id),
        ("request", A, records(out)[4][2]),
        ("response", C, captures["c2"].record_id),
        ("request", C, records(out)[6][2]),
    ]
    copied = out.read_bytes()
    warc_dir = default_warc_dir(db)
    for name in ("a1", "a2", "c2"):
        assert member(captures[name], warc_dir) in copied
    check = subprocess.run([BIN / "warcio", "check", "-v", out], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "digest pass" in check.stdout


def test_filters_select_articles_by_publication_date(archive: tuple[Path, dict[str, Capture]], tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    db, _ = archive
    out = tmp_path / "none.warc.gz"
    assert main(["export", "--format", "warc", "--since", "2025-06-01", "--db", str(db), str(out)]) == 1
    assert capsys.readouterr().err == f"newscrawl export: no selected article of archive {db} has its fetch in a WARC file\n"
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "wacz", "-"], "newscrawl export: wacz needs a file to write, not standard output\n"),
        (
            ["--format", "csv", "--warc-dir", "w", "x.csv"],
            "newscrawl export: --warc-dir goes with --format warc or wacz, not csv\n",
        ),
        (
            ["--format", "warc", "--keep-formulas", "x.warc.gz"],
            "newscrawl export: --keep-formulas goes with --format csv, not warc\n",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(archive: tuple[Path, dict[str, Capture]], args: list[str], message: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    db, _ = archive
    assert main(["export", "--db", str(db), *args]) == 2
    assert capsys.readouterr().err == message


def test_a_missing_warc_file_fails_the_export_and_leaves_no_file(archive: tuple[Path, dict[str, Capture]], tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    db, _ = archive
    (default_warc_dir(db) / warc_file_name(2, 2)).unlink()
    out = tmp_path / "out.wacz"
    assert main(["export", "--format", "wacz", "--db", str(db), str(out)]) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"newscrawl export: cannot read the record of {C} in {default_warc_dir(db) / warc_file_name(2, 2)}: ")
    assert error.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


@pytest.mark.parametrize(
    ("fetched_at", "expected"),
    [
        ("2025-02-01T08:00:01+00:00", "2025-02-01T08:00:01Z"),
        ("2025-02-01T08:00:01Z", "2025-02-01T08:00:01Z"),
        ("2025-02-01T08:00:01", "2025-02-01T08:00:01Z"),
        ("2025-02-01T11:00:01+03:00", "2025-02-01T08:00:01Z"),
        ("2025-02-01T08:00:01.250000+00:00", "2025-02-01T08:00:01Z"),
    ],
)
def test_warc_date(fetched_at: str, expected: str) -> None:
    assert warc_date(fetched_at) == expected
