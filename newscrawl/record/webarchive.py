"""``newscrawl export --format warc|wacz``: the fetches behind the archive's articles, for replay.

The records exported are those of the selected articles' captures (``articles.capture_id``): each
response or revisit record, the request record the crawl wrote right after it, and for a revisit
the response record holding its payload (a revisit alone replays nothing), with their requests.
Records are copied byte for byte, gzip member by gzip member, so their digests and ids are the
crawl's. ``warc`` writes them as one WARC file after a ``warcinfo`` record; ``wacz`` packages that
file as a WACZ (Web Archive Collection Zipped, 1.1.1): the WARC under ``archive/``, its CDXJ index
(cdxj-indexer, compressed as ReplayWeb.page and pywb read it), ``pages/pages.jsonl`` with one line
per article (the URL fetched, when, the headline) and ``datapackage.json`` with every file's hash.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
import zipfile
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArchiveLoadFailed
from warcio.warcwriter import WARCWriter

from newscrawl.archive import ArchiveError, article_captures, has_captures
from newscrawl.desk.export import export_failed, replacing
from newscrawl.desk.query import ArticleFilter, connect_readonly, has_articles_table
from newscrawl.desk.terminal import fail
from newscrawl.record.warcwrite import warc_date as record_date
from newscrawl.warc import WarcReadError

if TYPE_CHECKING:
    from collections.abc import Iterable

#: The formats of ``newscrawl export`` this module writes.
ARCHIVE_FORMATS = ("warc", "wacz")
#: The WACZ version written (the one ``wacz validate`` of py-wacz 0.5 and 0.6 checks).
WACZ_VERSION = "1.1.1"
#: The name of the WARC file inside a WACZ (``archive/``).
WACZ_WARC = "newscrawl.warc.gz"
#: Index lines per compressed block of ``indexes/index.cdx.gz``: ReplayWeb.page's own default.
INDEX_BLOCK = 1024
_CHUNK = 1 << 16


class ExportError(ArchiveError):
    """Nothing to export, or a capture's WARC record cannot be read."""


@dataclass(frozen=True, order=True)
class Record:
    """A response or revisit record to copy: where its gzip member is, and what it is."""

    warc_file: str
    offset: int
    length: int
    record_id: str
    url: str


@dataclass(frozen=True)
class Page:
    """An archived article as replay lists it: the URL its capture fetched, when, its headline."""

    article_id: int
    url: str
    fetched_at: str
    title: str | None


@dataclass(frozen=True)
class Selection:
    """What an export holds: the articles' pages, the records to copy (sorted, each once), and
    how many selected articles have no record kept (stored before captures were, or pruned)."""

    pages: list[Page]
    records: list[Record]
    without_record: int


def select_captures(db: str | Path, where: ArticleFilter | None = None) -> Selection:
    """The captures of the articles of the archive at ``db`` that ``where`` selects, with the
    responses their revisits need. Raises :class:`ArchiveError` when there is no archive with
    articles and captures."""
    with closing(connect_readonly(db)) as con:
        if not has_articles_table(con) or not has_captures(con):
            raise ArchiveError(f"archive {db} holds no article with a WARC capture yet")
        condition, params = (where or ArticleFilter()).where("a")
        rows = article_captures(con, condition, params)
    pages: list[Page] = []
    records: set[Record] = set()
    without = 0
    for row in rows:
        own = _record(row[6], row[7], row[8], row[5], row[2])
        payload = _record(row[11], row[12], row[13], row[9], row[10]) if row[4] == "revisit" else own
        if own is None or payload is None:
            without += 1
            continue
        pages.append(Page(row[0], row[2], row[3], row[1]))
        records.update({own, payload})
    return Selection(pages, sorted(records), without)


def _record(
    warc_file: str | None, offset: int | None, length: int | None, record_id: str | None, url: str | None
) -> Record | None:
    if warc_file is None or offset is None or length is None or record_id is None or url is None:
        return None
    return Record(warc_file, offset, length, record_id, url)


def write_warc(warc_dir: Path, records: Iterable[Record], out: IO[bytes], name: str, description: str) -> int:
    """Write to ``out`` a ``warcinfo`` record, then each of ``records`` read from its file in
    ``warc_dir`` followed by its request record; returns how many records were copied. Raises
    :class:`ExportError` when a record cannot be read."""
    writer = WARCWriter(out, gzip=True)
    writer.write_record(
        writer.create_warcinfo_record(
            name, {"software": "newscrawl", "format": "WARC File Format 1.1", "description": description}
        )
    )
    copied = 0
    for record in records:
        path = warc_dir / record.warc_file
        try:
            with path.open("rb") as stream:
                request = _request_length(stream, record)
                stream.seek(record.offset)
                _copy(stream, out, record.length + request)
        except (OSError, ArchiveLoadFailed, WarcReadError) as exc:
            raise ExportError(f"cannot read the record of {record.url} in {path}: {exc}") from exc
        copied += 2 if request else 1
    return copied


def _request_length(stream: IO[bytes], record: Record) -> int:
    """The length of the request record right after ``record``'s member when it is the request
    of the same fetch; 0 when another record (or none) follows."""
    stream.seek(record.offset)
    head = next(iter(ArchiveIterator(stream)), None)
    if head is None or head.rec_headers.get_header("WARC-Record-ID") != record.record_id:
        raise WarcReadError(f"no record {record.record_id} at offset {record.offset}")
    stream.seek(record.offset + record.length)
    records = ArchiveIterator(stream)
    following = next(iter(records), None)
    if following is None or following.rec_type != "request":
        return 0
    concurrent = following.rec_headers.get_header("WARC-Concurrent-To")
    if concurrent not in (None, record.record_id) or following.rec_headers.get_header("WARC-Target-URI") != record.url:
        return 0
    records.read_to_end(following)
    return int(records.get_record_length())


def _copy(source: IO[bytes], target: IO[bytes], size: int) -> None:
    while size > 0:
        chunk = source.read(min(size, _CHUNK))
        if not chunk:
            raise WarcReadError(f"the file ends {size} bytes short of the record")
        target.write(chunk)
        size -= len(chunk)


def export_warc(db: str | Path, warc_dir: Path, out: Path, where: ArticleFilter | None = None) -> tuple[Selection, int]:
    """Write the records of the selected articles (:func:`select_captures`) to the WARC file
    ``out``, complete or not at all; returns the selection and how many records were copied.
    Raises :class:`ArchiveError` when there is nothing to export or a record cannot be read."""
    selection = _nonempty(select_captures(db, where), db)
    with replacing(out) as part, part.open("wb") as stream:
        copied = write_warc(warc_dir, selection.records, stream, out.name, _description(db, where))
    return selection, copied


def export_wacz(db: str | Path, warc_dir: Path, out: Path, where: ArticleFilter | None = None) -> tuple[Selection, int]:
    """Write the WACZ file ``out`` of the selected articles' records, complete or not at all;
    returns the selection and how many records it holds. Raises :class:`ArchiveError` when there
    is nothing to export or a record cannot be read."""
    from cdxj_indexer.main import CDXJIndexer  # noqa: PLC0415 -- only this format needs it

    selection = _nonempty(select_captures(db, where), db)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=f".{out.name}.") as folder:
        work = Path(folder)
        files = {
            f"archive/{WACZ_WARC}": work / WACZ_WARC,
            "indexes/index.cdx.gz": work / "index.cdx.gz",
            "indexes/index.idx": work / "index.idx",
            "pages/pages.jsonl": work / "pages.jsonl",
        }
        with files[f"archive/{WACZ_WARC}"].open("wb") as stream:
            copied = write_warc(warc_dir, selection.records, stream, WACZ_WARC, _description(db, where))
        with files["indexes/index.cdx.gz"].open("wb") as blocks:
            CDXJIndexer(
                str(files["indexes/index.idx"]), [str(files[f"archive/{WACZ_WARC}"])], sort=True, post_append=True,
                compress=blocks, data_out_name="index.cdx.gz", lines=INDEX_BLOCK, digest_records=True,
            ).process_all()  # fmt: skip
        files["pages/pages.jsonl"].write_text("".join(pages_lines(selection.pages)), encoding="utf-8")
        package = datapackage(files, created=_now(), title=_description(db, where))
        with replacing(out) as part, zipfile.ZipFile(part, "w") as wacz:
            for name, path in files.items():
                # The WARC and the index blocks are gzip already, read at offsets: stored as they are.
                stored = name.endswith(".gz")
                wacz.write(path, name, compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
            wacz.writestr("datapackage.json", package, compress_type=zipfile.ZIP_DEFLATED)
            digest = {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(package).hexdigest()}
            wacz.writestr("datapackage-digest.json", json.dumps(digest, indent=2), compress_type=zipfile.ZIP_DEFLATED)
    return selection, copied


def _nonempty(selection: Selection, db: str | Path) -> Selection:
    if not selection.pages:
        held = f" ({selection.without_record} without a WARC record kept)" if selection.without_record else ""
        raise ExportError(f"no selected article of archive {db} has its fetch in a WARC file{held}")
    return selection


def _description(db: str | Path, where: ArticleFilter | None) -> str:
    where = where or ArticleFilter()
    bounds = [
        f"{name} {value}" for name, value in (("since", where.since), ("until", where.until), ("section", where.section)) if value
    ]
    return f"newscrawl archive {Path(db).name}: the fetches of its articles" + (f" ({', '.join(bounds)})" if bounds else "")


def _now() -> str:
    return record_date(datetime.now(timezone.utc))


def warc_date(fetched_at: str) -> str:
    """A capture's ``fetched_at`` as a WARC date (``2025-01-31T08:00:00Z``), the form pages.jsonl's
    ``ts`` takes; a time without a zone is UTC."""
    moment = datetime.fromisoformat(fetched_at.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return record_date(moment)


def pages_lines(pages: Iterable[Page]) -> Iterable[str]:
    """The lines of ``pages/pages.jsonl``: its header, then one page per article."""
    yield json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "Archived articles"}) + "\n"
    for page in pages:
        line = {"id": f"article-{page.article_id}", "url": page.url, "ts": warc_date(page.fetched_at)}
        if page.title:
            line["title"] = page.title
        yield json.dumps(line, ensure_ascii=False) + "\n"


def datapackage(files: dict[str, Path], *, created: str, title: str) -> bytes:
    """``datapackage.json`` of a WACZ holding ``files`` (path in the WACZ: file on disk)."""
    resources = []
    for name, path in files.items():
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            for chunk in iter(lambda: stream.read(_CHUNK), b""):
                digest.update(chunk)
        resources.append(
            {"name": Path(name).name.lower(), "path": name, "hash": "sha256:" + digest.hexdigest(), "bytes": path.stat().st_size}
        )
    package = {
        "profile": "data-package",
        "resources": resources,
        "title": title,
        "created": created,
        "wacz_version": WACZ_VERSION,
        "software": "newscrawl",
    }
    return json.dumps(package, indent=2, ensure_ascii=False).encode("utf-8")


def export_archive_command(db: Path, warc_dir: Path, fmt: str, out: str, where: ArticleFilter | None = None) -> int:
    """``newscrawl export --format warc|wacz``: returns the exit status: 0; 1 when there is
    nothing to export, a record cannot be read or ``out`` cannot be written; 2 for standard output."""
    if out == "-":
        return fail("export", f"{fmt} needs a file to write, not standard output", 2)
    target = Path(out)
    try:
        selection, copied = (export_wacz if fmt == "wacz" else export_warc)(db, warc_dir, target, where)
    except (ArchiveError, OSError) as exc:
        return export_failed(exc, out)
    lacking = f"; {selection.without_record:,} selected articles have no WARC record kept" if selection.without_record else ""
    print(f"newscrawl export: {len(selection.pages):,} articles, {copied:,} WARC records to {target}{lacking}", file=sys.stderr)
    return 0
