"""Capture (issue 15): every response kept as a WARC record, revisits for identical payloads, a
killed run's truncated tail cut, and each article naming the capture it was read from."""

from __future__ import annotations

import dataclasses
import gzip
import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from scrapy.settings import Settings
from warcio.archiveiterator import ArchiveIterator

from newscrawl.archive import Archive
from newscrawl.crawl.capture import DEFAULT_MAX_BYTES, WarcSettingError, warc_settings
from newscrawl.extract.charset import body_encoding
from newscrawl.items import ArticleItem
from newscrawl.loaders import LoadContext
from newscrawl.pagereading import PageJob, read_page
from newscrawl.record.warcwrite import Fetch, Previous, RunWarcWriter, complete_end, cut_truncated_tail, payload_digest
from newscrawl.sites.almayadeen.editions import EDITIONS
from newscrawl.urls import HostMap
from newscrawl.warc import Capture, Exchange, default_warc_dir, read_exchange, warc_file_name
from tests.conftest import build_site, connect, crawl, incomplete_captures, run_stats, start_mirror, warc_check

if TYPE_CHECKING:
    from tests.conftest import Server

EN = "https://english.almayadeen.net"
PAGE = "<html><body><p>Un article, عربي.</p></body></html>".encode()
MOMENT = datetime(2026, 12, 7, 10, 0, 0, tzinfo=timezone.utc)
INFO = {"software": "newscrawl/test", "newscrawl-run-id": "7"}


def fetch(url: str = "http://a.example/news/one?x=1", body: bytes = PAGE, headers: list[tuple[str, str]] | None = None) -> Fetch:
    return Fetch(
        url=url,
        status=200,
        protocol="HTTP/1.1",
        headers=headers if headers is not None else [("Content-Type", "text/html; charset=utf-8")],
        body=body,
        method="GET",
        request_headers=[("User-Agent", "newscrawl/test"), ("Accept-Encoding", "gzip")],
        request_body=b"",
        fetched_at=MOMENT,
    )


def records(path: Path) -> list[Any]:
    """``(offset, type, WARC headers, HTTP headers)`` of every record of a WARC file."""
    with path.open("rb") as stream:
        iterator = ArchiveIterator(stream)
        return [
            (iterator.get_record_offset(), r.rec_type, dict(r.rec_headers.headers), r.http_headers and r.http_headers.headers)
            for r in iterator
        ]


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, (True, default_warc_dir("data/archive.db"), DEFAULT_MAX_BYTES)),
        ({"ARCHIVE_DB": "/srv/a.db"}, (True, Path("/srv/warc"), DEFAULT_MAX_BYTES)),
        ({"WARC_ENABLED": "False"}, (False, Path("data/warc"), DEFAULT_MAX_BYTES)),
        ({"WARC_DIR": "/srv/warcs", "WARC_MAX_BYTES": "5000"}, (True, Path("/srv/warcs"), 5000)),
        ({"WARC_MAX_BYTES": "abc"}, "WARC_MAX_BYTES must be a positive number of bytes, not 'abc'"),
        ({"WARC_MAX_BYTES": "0"}, "WARC_MAX_BYTES must be a positive number of bytes, not '0'"),
        ({"WARC_MAX_BYTES": "-5"}, "WARC_MAX_BYTES must be a positive number of bytes, not '-5'"),
        ({"WARC_ENABLED": "maybe"}, "WARC_ENABLED must be True or False, not 'maybe'"),
    ],
)
def test_warc_settings(settings: dict[str, str], expected: tuple[bool, Path, int] | str) -> None:
    values = Settings({"ARCHIVE_DB": "data/archive.db", **settings})
    if isinstance(expected, str):
        with pytest.raises(WarcSettingError) as raised:
            warc_settings(values)
        assert str(raised.value) == expected
    else:
        assert warc_settings(values) == expected


def test_writer_writes_warcinfo_response_request_and_revisits(tmp_path: Path) -> None:
    writer = RunWarcWriter(tmp_path, 7, INFO, DEFAULT_MAX_BYTES)
    zipped = gzip.compress(PAGE)
    encoded = [("Content-Type", "text/html"), ("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")]
    first = writer.write(fetch(headers=encoded, body=zipped))
    previous = Previous(first.payload_digest, first.record_id, first.url, "2026-12-07T10:00:00Z")
    again = writer.write(fetch(headers=encoded, body=zipped), previous)
    other = writer.write(fetch(body=PAGE + b" "), previous)  # the page changed: a response again
    writer.close()
    path = tmp_path / warc_file_name(7, 1)
    assert warc_check(tmp_path) == []
    found = records(path)
    assert [r[1] for r in found] == ["warcinfo", "response", "request", "revisit", "request", "response", "request"]
    info = found[0][2]
    assert info["WARC-Filename"] == path.name
    assert first.payload_digest == payload_digest(zipped)  # of the body as received, still gzipped
    assert (first.record_type, first.warc_file, first.offset, first.refers_to) == ("response", path.name, found[1][0], None)
    assert (again.record_type, again.offset, again.refers_to) == ("revisit", found[3][0], first.record_id)
    assert (other.record_type, other.offset) == ("response", found[5][0])
    assert [first.length, again.length, other.length] == [
        found[2][0] - found[1][0],
        found[4][0] - found[3][0],
        found[6][0] - found[5][0],
    ]
    assert found[2][2]["WARC-Concurrent-To"] == first.record_id
    assert found[4][2]["WARC-Concurrent-To"] == again.record_id
    revisit = found[3][2]
    assert revisit["WARC-Profile"] == "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest"
    assert (revisit["WARC-Refers-To"], revisit["WARC-Refers-To-Target-URI"]) == (first.record_id, first.url)
    assert revisit["WARC-Payload-Digest"] == first.payload_digest
    assert found[2][3] == [("Host", "a.example"), ("User-Agent", "newscrawl/test"), ("Accept-Encoding", "gzip")]
    # the client undid the chunking: the header is kept under another name, and the body read back whole
    exchange = read_exchange(path, first.offset)
    assert exchange == Exchange(
        first.url,
        200,
        [("Content-Type", "text/html"), ("Content-Encoding", "gzip"), ("X-Archive-Orig-Transfer-Encoding", "chunked")],
        PAGE,
    )
    assert first.fetched_at == "2026-12-07T10:00:00+00:00"


def test_writer_rotates_files_keeping_each_response_with_its_request(tmp_path: Path) -> None:
    writer = RunWarcWriter(tmp_path, 3, INFO, 1)
    captures = [writer.write(fetch(url=f"http://a.example/{n}", body=PAGE + bytes([n]))) for n in range(3)]
    writer.close()
    names = [warc_file_name(3, n) for n in (1, 2, 3)]
    assert [c.warc_file for c in captures] == names
    assert sorted(p.name for p in tmp_path.iterdir()) == names
    for name in names:
        assert [r[1] for r in records(tmp_path / name)] == ["warcinfo", "response", "request"]
    assert warc_check(tmp_path) == []


def test_writer_never_writes_into_an_existing_file(tmp_path: Path) -> None:
    # another archive's run 1, in a shared folder: its files are left as they are
    (tmp_path / warc_file_name(1, 1)).write_bytes(b"another archive's")
    writer = RunWarcWriter(tmp_path, 1, INFO, DEFAULT_MAX_BYTES)
    assert writer.write(fetch()).warc_file == warc_file_name(1, 2)
    assert (tmp_path / warc_file_name(1, 1)).read_bytes() == b"another archive's"
    # nor cut while a crawl writes it
    with (tmp_path / warc_file_name(1, 2)).open("ab") as stream:
        stream.write(b"\x1f\x8b")
    assert cut_truncated_tail(tmp_path / warc_file_name(1, 2)) == 0
    writer.close()
    assert cut_truncated_tail(tmp_path / warc_file_name(1, 2)) == 2


def written(folder: Path, count: int) -> tuple[Path, list[int]]:
    """A WARC file of ``count`` exchanges; returns it and where each record ends."""
    writer = RunWarcWriter(folder, 1, INFO, DEFAULT_MAX_BYTES)
    for n in range(count):
        writer.write(fetch(url=f"http://a.example/{n}", body=PAGE * (n + 1)))
    writer.close()
    path = folder / warc_file_name(1, 1)
    ends = [offset for offset, *_ in records(path)[1:]] + [path.stat().st_size]
    return path, ends


@pytest.mark.parametrize(
    ("tail", "kept"),
    [
        (lambda whole: b"", "all"),  # complete: nothing cut
        (lambda whole: whole[: len(whole) // 2], "all"),  # half a record
        (lambda whole: whole[:10], "all"),  # a gzip header only
        (lambda whole: whole[:-1], "all"),  # all but the last byte
        (lambda whole: b"\x00garbage", "all"),  # not gzip at all
    ],
)
def test_cut_truncated_tail_moves_what_follows_the_last_whole_record_aside(tmp_path: Path, tail: Any, kept: str) -> None:
    path, ends = written(tmp_path, 2)
    whole = path.read_bytes()
    size = len(whole)
    cut = tail(whole[ends[0] : ends[1]])  # part of the first response's record
    with path.open("ab") as stream:
        stream.write(cut)
    assert complete_end(path) == size
    assert cut_truncated_tail(path) == len(cut)
    assert path.read_bytes() == whole
    aside = sorted(p.name for p in tmp_path.iterdir() if p != path)
    assert aside == ([f"{path.name}.cut-{size}"] if cut else [])
    if cut:
        assert (tmp_path / aside[0]).read_bytes() == cut
    assert warc_check(tmp_path) == []


def test_cut_from_a_known_record_and_a_file_left_empty(tmp_path: Path) -> None:
    path, ends = written(tmp_path, 3)
    whole = path.read_bytes()
    path.write_bytes(whole[: ends[3] + 7])  # the third response's record begun
    assert complete_end(path, ends[1]) == ends[3]
    assert cut_truncated_tail(path, ends[1]) == 7
    assert path.read_bytes() == whole[: ends[3]]
    path.write_bytes(whole[:20])  # killed while writing the warcinfo record
    assert cut_truncated_tail(path) == 20
    assert not path.exists()


# --- crawls of the mirror -----------------------------------------------------------------------

# Re-check an article only when its last fetch is a day old.
DAILY = {"RECHECK_SCHEDULE": "36500d:1d", "PROGRESS": "off"}
RECHECKED = "news/politics/major-ambush-in-gaza-kills-5-israeli-troops--injures-14"
# The fields of an article its page gives alone (not the menus the crawl learnt on the way).
PAGE_FIELDS = (
    "url", "headline", "post_id", "lead", "body", "authors", "source", "published_at", "modified_at", "published_raw",
    "tags", "read_time_min", "share_count", "language", "truncated",
)  # fmt: skip


def reextracted(db: Path, article: dict[str, Any], base_url: str) -> dict[str, Any]:
    """The article read again from the page its capture holds (a revisit's: the response it
    refers to), as the crawl read it, in the archive's shape."""
    with connect(db) as con:
        row = con.execute(
            "SELECT r.warc_file, r.offset, r.content_type FROM captures c JOIN captures r ON r.id = coalesce(c.refers_to, c.id) "
            "WHERE c.id = ?",
            [article["capture_id"]],
        ).fetchone()
    exchange = read_exchange(default_warc_dir(db) / row["warc_file"], row["offset"])
    context = LoadContext.for_edition(EDITIONS["en"], HostMap(real_origin=EN, fetch_origin=base_url))
    job = PageJob(
        exchange.url,
        exchange.body,
        body_encoding(exchange.body, row["content_type"] or ""),
        "article",
        "almayadeen",
        {},
        context,
        None,
    )
    item = read_page(job).article
    assert item is not None, exchange.url
    values = {name: getattr(item, name) for name in PAGE_FIELDS}
    return values | {"authors": json.dumps(item.authors, ensure_ascii=False), "tags": json.dumps(item.tags, ensure_ascii=False)}


def response_uris(folder: Path, pattern: str = "*.warc.gz") -> Counter[tuple[str, str]]:
    """``(record type, WARC-Target-URI)`` of the response and revisit records in the files of
    ``folder`` matching ``pattern``, counted."""
    found: Counter[tuple[str, str]] = Counter()
    for path in sorted(folder.glob(pattern)):
        for _, kind, headers, _ in records(path):
            if kind in ("response", "revisit"):
                found[kind, headers["WARC-Target-URI"]] += 1
    return found


@pytest.fixture(scope="module")
def twice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Server]:
    """An archive of a crawl of the mirror, then of a rerun with nothing changed that re-checks
    one article (its last fetch made a day older)."""
    root = tmp_path_factory.mktemp("capture")
    server = start_mirror(build_site(root / "site"))
    db = root / "archive.db"
    try:
        first = crawl(server.base_url, db, settings=DAILY)
        assert first.returncode == 0, first.stderr[-3000:]
        with connect(db) as con:
            con.execute("UPDATE articles SET last_fetched_at = '2025-07-01T00:00:00+00:00' WHERE url = ?", [f"{EN}/{RECHECKED}"])
        (root / "first").mkdir()
        for path in default_warc_dir(db).iterdir():
            (root / "first" / path.name).write_bytes(path.read_bytes())
        second = crawl(server.base_url, db, settings=DAILY)
        assert second.returncode == 0, second.stderr[-3000:]
    finally:
        server.stop()
    return db, server


def test_a_crawl_keeps_every_response_once(twice: tuple[Path, Server]) -> None:
    db, server = twice
    first_files = db.parent / "first"
    assert [p.name for p in first_files.iterdir()] == [warc_file_name(1, 1)]
    assert warc_check(first_files) == []
    found = response_uris(first_files)
    _, stats = run_stats(db, 0)
    assert set(found) == {("response", uri) for _, uri in found}  # no revisit in a first crawl
    assert set(found.values()) == {1}  # one response per URL fetched
    assert sum(found.values()) == stats["downloader/response_count"] == stats["newscrawl/warc_records"]
    assert {f"{server.base_url}/robots.txt", f"{server.base_url}/", f"{server.base_url}/{RECHECKED}"} <= {u for _, u in found}
    with (first_files / warc_file_name(1, 1)).open("rb") as stream:
        info = next(iter(ArchiveIterator(stream))).content_stream().read().decode()
    assert f"newscrawl-run-id: 1\r\nnewscrawl-archive: {db.resolve()}\r\nnewscrawl-spider: almayadeen\r\n" in info
    assert f'newscrawl-arguments: {{"base_url": "{server.base_url}", "discover": "menus"' in info
    assert "\r\nrobots: obey\r\n" in info
    assert (
        "\r\nhttp-header-user-agent: newscrawl/0.1 (+https://github.com/newscrawl/newscrawl; news archiving for research)\r\n"
        in info
    )
    with connect(db) as con:
        rows = con.execute("SELECT url, record_type FROM captures WHERE run_id = 1").fetchall()
    assert Counter((kind, url) for url, kind in rows) == found


def test_each_article_names_the_capture_it_extracts_from(twice: tuple[Path, Server]) -> None:
    db, server = twice
    with connect(db) as con:
        articles = [dict(r) for r in con.execute("SELECT * FROM articles ORDER BY id")]
    assert articles
    assert all(a["capture_id"] is not None for a in articles)
    for article in articles:
        assert reextracted(db, article, server.base_url) == {name: article[name] for name in PAGE_FIELDS}, article["url"]


def test_a_rerun_with_nothing_changed_writes_revisits_only(twice: tuple[Path, Server]) -> None:
    db, server = twice
    assert warc_check(default_warc_dir(db)) == []
    assert incomplete_captures(db) == []
    _, stats = run_stats(db)
    with connect(db) as con:
        second = con.execute("SELECT record_type, url, refers_to FROM captures WHERE run_id = 2").fetchall()
        refers = {r["url"]: r["record_type"] for r in con.execute("SELECT * FROM captures WHERE run_id = 1")}
        rechecked = con.execute(
            "SELECT c.run_id, c.record_type FROM articles a JOIN captures c ON c.id = a.capture_id WHERE a.url = ?",
            [f"{EN}/{RECHECKED}"],
        ).fetchone()
        others = con.execute(
            "SELECT DISTINCT c.run_id FROM articles a JOIN captures c ON c.id = a.capture_id WHERE a.url != ?",
            [f"{EN}/{RECHECKED}"],
        ).fetchall()
    assert {r["record_type"] for r in second} == {"revisit"}
    assert all(r["refers_to"] is not None and refers[r["url"]] == "response" for r in second)
    assert len(second) == stats["downloader/response_count"] == stats["newscrawl/warc_revisits"]
    assert f"{server.base_url}/{RECHECKED}" in {r["url"] for r in second}
    written = response_uris(default_warc_dir(db), "newscrawl-000002-*.warc.gz")
    assert written == Counter(("revisit", r["url"]) for r in second)  # no response record
    assert tuple(rechecked) == (2, "revisit")
    assert [tuple(r) for r in others] == [(1,)]
    # the revisit record costs headers, not the page
    with connect(db) as con:
        sizes = con.execute("SELECT record_type, max(length) FROM captures GROUP BY 1").fetchall()
    assert dict(sizes)["revisit"] < 1500


def test_capture_off_writes_no_warc(mirror: Server, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    result = crawl(mirror.base_url, db, settings={"WARC_ENABLED": "False", "PROGRESS": "off"})
    assert result.returncode == 0, result.stderr[-3000:]
    assert not default_warc_dir(db).exists()
    with connect(db) as con:
        assert con.execute("SELECT count(*) FROM captures").fetchone()[0] == 0
        assert con.execute("SELECT count(*), count(capture_id) FROM articles").fetchone()[1] == 0


def test_warc_dir_setting_and_a_bad_setting(mirror: Server, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    bad = crawl(mirror.base_url, db, settings={"WARC_MAX_BYTES": "1GB"})
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines()[-1] == "newscrawl: error: WARC_MAX_BYTES must be a positive number of bytes, not '1GB'"
    folder = tmp_path / "elsewhere"
    result = crawl(mirror.base_url, db, settings={"WARC_DIR": str(folder), "WARC_MAX_BYTES": "100000", "PROGRESS": "off"})
    assert result.returncode == 0, result.stderr[-3000:]
    assert not default_warc_dir(db).exists()
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) > 2
    assert files[:2] == [warc_file_name(1, 1), warc_file_name(1, 2)]
    assert warc_check(folder) == []


def test_articles_and_versions_name_the_capture_their_text_was_read_from(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a.db")
    run = archive.start_run("almayadeen", {})
    url = f"{EN}/news/politics/a-story"
    archive.record_captures(
        [
            Capture(
                url,
                f"2026-12-0{n}T10:00:00+00:00",
                200,
                "text/html",
                f"sha1:{n}",
                "response",
                f"<urn:uuid:{n}>",
                warc_file_name(run, 1),
                n * 1000,
                900,
            )
            for n in (1, 2, 3)
        ],
        run,
    )
    item = ArticleItem(url=url, headline="First headline", body="A body of some length.")

    def stored(fetched: str, article: ArticleItem, record: str | None) -> tuple[Any, ...]:
        archive.store_articles([article], fetched, {url: record} if record else {})
        return tuple(archive.db.execute("SELECT version, capture_id FROM articles").fetchone())

    assert stored("2026-12-01T10:00:00+00:00", item, "<urn:uuid:1>") == (1, 1)
    assert stored("2026-12-02T10:00:00+00:00", item, "<urn:uuid:2>") == (1, 2)  # unchanged: read from the latest fetch too
    assert stored("2026-12-03T10:00:00+00:00", dataclasses.replace(item, headline="Second headline"), "<urn:uuid:3>") == (2, 3)
    versions = archive.db.execute("SELECT version, headline, capture_id, reason FROM article_versions").fetchall()
    assert versions == [(1, "First headline", 2, "fetch")]
    archive.close()


def test_a_warc_file_that_cannot_be_written_stops_the_crawl(mirror: Server, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    (tmp_path / "not-a-folder").write_text("a file")
    result = crawl(mirror.base_url, db, settings={"WARC_DIR": str(tmp_path / "not-a-folder"), "PROGRESS": "off"})
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith(f"newscrawl: failed: cannot write WARC files in {tmp_path}/not-a-folder: ")
    )
    with connect(db) as con:
        assert con.execute("SELECT status FROM crawl_runs").fetchone()[0] == "failed"
        assert con.execute("SELECT count(*) FROM captures").fetchone()[0] == 0
