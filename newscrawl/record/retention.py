"""``newscrawl warc prune``: drop the WARC files of old fetches, keeping the archive's text.

A file goes when every capture it holds was fetched before the day given (UTC), unless a capture
kept still needs it: a revisit record replays with the payload of the response it refers to, so
the file of that response stays as long as the revisit's does. Orphan files (named like the
crawl's, written for this archive as their ``warcinfo`` record says, named by no capture, last
written before that day) go too: a prune that stopped
between its two steps leaves such files. A file the captures name that is not in the folder
(moved by hand, or another folder given) is left alone, its captures as they are.

The two steps, in an order a crash cannot make inconsistent: first the archive forgets the files
(their captures' ``warc_file``, ``offset`` and ``length`` become NULL, in one transaction), then
the files are deleted. A crash between leaves files no capture names, which the next prune
removes; never a capture naming a file that is gone. The archive's crawl lock is held
throughout, so no crawl writes a file meanwhile. Articles, their text and versions, and the
captures rows (what was fetched, when, its digest) are never removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import TYPE_CHECKING

from newscrawl.archive import Archive, ArchiveBusyError, ArchiveError, has_captures, revisit_needs, warc_files
from newscrawl.desk.query import connect_readonly
from newscrawl.desk.terminal import fail
from newscrawl.warc import SUFFIX, file_info

if TYPE_CHECKING:
    from pathlib import Path

#: The crawl's WARC file names (:func:`newscrawl.warc.warc_file_name`): only such files are orphans.
_CRAWL_FILE = re.compile(r"newscrawl-\d+-\d+(?:-\w+)?" + re.escape(SUFFIX))


@dataclass
class Plan:
    """What a prune removes: files (by name in the WARC folder) with their size, the captures
    they hold; and the old files kept because a newer revisit needs their responses."""

    files: dict[str, int] = field(default_factory=dict)
    captures: int = 0
    kept_for_revisits: list[str] = field(default_factory=list)
    #: Old files the captures name that are not in the WARC folder: left alone, captures and all.
    missing: list[str] = field(default_factory=list)

    @property
    def bytes(self) -> int:
        return sum(self.files.values())


def plan_prune(db: Path, warc_dir: Path, before: date) -> Plan:
    """What :func:`prune` would remove from the archive at ``db`` and its ``warc_dir`` for the
    day ``before``; reads without writing."""
    cutoff = before.isoformat()
    con = connect_readonly(db)
    try:
        if not has_captures(con):
            named: dict[str, tuple[str, int]] = {}
            needs: list[tuple[str, str]] = []
        else:
            named = warc_files(con)
            needs = revisit_needs(con)
    finally:
        con.close()
    # fetched_at is ISO 8601 in UTC: before the day is less than the day's date, as text.
    old = {name for name, (last, _) in named.items() if last < cutoff}
    kept = set(named) - old
    while True:
        needed = {response for revisit, response in needs if revisit in kept and response in old}
        if not needed:
            break
        old -= needed
        kept |= needed
    # A named file not in the folder was moved or deleted by hand, or --warc-dir names another
    # folder: forgetting it would leave its records, wherever they are, named by no capture.
    plan = Plan(missing=sorted(name for name in old if not (warc_dir / name).is_file()))
    old -= set(plan.missing)
    plan.captures = sum(named[name][1] for name in old)
    plan.kept_for_revisits = sorted(name for name in kept if named[name][0] < cutoff)
    for name in sorted(old):
        plan.files[name] = (warc_dir / name).stat().st_size
    start = datetime.combine(before, time(), tzinfo=timezone.utc).timestamp()
    if warc_dir.is_dir():
        for path in sorted(warc_dir.iterdir()):
            if (
                _CRAWL_FILE.fullmatch(path.name)
                and path.name not in named
                and path.is_file()
                and path.stat().st_mtime < start
                and _written_for(path, db)
            ):
                plan.files[path.name] = path.stat().st_size
    return plan


def _written_for(path: Path, db: Path) -> bool:
    """Whether the crawl wrote the WARC file ``path`` for the archive ``db`` (its warcinfo says
    so): a WARC folder may be shared by archives side by side, and another archive's file is
    never this one's orphan."""
    return file_info(path).get("newscrawl-archive") == str(db.resolve())


def prune(db: Path, warc_dir: Path, before: date) -> Plan:
    """Remove the WARC files of :func:`plan_prune` under the archive's crawl lock: first the
    archive forgets them, then they are deleted. Returns what was removed. Raises
    :class:`ArchiveBusyError` when a crawl holds the archive, :class:`ArchiveError` when it
    cannot be written and ``OSError`` when a file cannot be deleted (the archive has forgotten it
    already; the next prune deletes it)."""
    archive = Archive(db, exclusive=True)
    try:
        plan = plan_prune(db, warc_dir, before)
        plan.captures = archive.forget_warc_files(plan.files)
        for name in plan.files:
            (warc_dir / name).unlink(missing_ok=True)
    finally:
        archive.close()
    return plan


def prune_command(db: Path, warc_dir: Path, before: date, *, dry_run: bool = False) -> int:
    """``newscrawl warc prune``: returns the exit status: 0; 1 when there is no archive, it cannot
    be written or a file cannot be deleted; 4 when a crawl holds the archive."""
    if not db.is_file():
        return fail("warc prune", f"no archive at {db}", 1)
    try:
        plan = plan_prune(db, warc_dir, before) if dry_run else prune(db, warc_dir, before)
    except ArchiveBusyError as exc:
        return fail("warc prune", exc, 4)
    except ArchiveError as exc:
        return fail("warc prune", exc, 1)
    except OSError as exc:
        return fail("warc prune", f"cannot delete {exc.filename}: {exc.strerror}; run it again", 1)
    verb = "would remove" if dry_run else "removed"
    print(
        f"{verb} {len(plan.files):,} WARC files ({plan.bytes:,} bytes) from {warc_dir}; "
        f"{plan.captures:,} captures no longer have their record (the articles' text stays)"
    )
    if plan.missing:
        print(
            f"left {len(plan.missing):,} files fetched before {before} that the archive names but {warc_dir} lacks "
            "(another --warc-dir?), e.g. " + plan.missing[0]
        )
    if plan.kept_for_revisits:
        print(f"kept {len(plan.kept_for_revisits):,} files fetched before {before} whose responses newer revisits replay with")
    return 0
