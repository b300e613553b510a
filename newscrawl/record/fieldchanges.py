"""What a re-extraction changes in a stored article, field by field, and what is stored of it
(pure functions): the decisions and the table of ``newscrawl reextract``.

An article's text (:data:`CONTENT_FIELDS`) is replaced as a whole, its earlier text kept as a
version, unless the new one looks damaged next to it (:func:`newscrawl.damage.refetch_damage`,
the rule a re-fetch meets) or was read only in part: then nothing of it is stored (``held``).
Its other fields (:data:`OTHER_FIELDS`) are not versioned, so they are filled or corrected but
never emptied: a field found before and not now keeps its stored value and is counted ``lost``.
Where each field came from (``field_sources``) is refreshed to today's, and alone changes nothing else.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from newscrawl.coverage import EXPECTED_FIELDS, absent_fields, present
from newscrawl.damage import Text, refetch_damage
from newscrawl.items import CONTENT_FIELDS

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from newscrawl.items import ArticleItem

#: The other fields a page gives, by the ``articles`` column that holds each.
OTHER_FIELDS = (
    "published_at", "modified_at", "published_raw", "section", "region", "coverage", "content_type", "post_id", "language",
    "read_time_min", "share_count", "view_count",
)  # fmt: skip
#: The table's rows, in order.
FIELDS = (
    "headline", "authors", "published_at", "modified_at", "published_raw", "source", "tags", "captions", "lead", "body",
    "section", "region", "coverage", "content_type", "post_id", "language", "read_time_min", "share_count",
    "view_count",
)  # fmt: skip
#: What happened to one field: it was missing and is found, it differs, it was there and is missing.
Change = Literal["filled", "changed", "lost"]
CHANGES: tuple[Change, ...] = ("filled", "changed", "lost")
#: What happens to an article: nothing (``unchanged``); a new text, its earlier one kept as a
#: version (``version``); fields filled or corrected, the text the same (``updated``); nothing,
#: the new text looking worse (``held``).
Outcome = Literal["unchanged", "version", "updated", "held"]


@dataclass
class Decision:
    """What a re-extraction does to one stored article."""

    outcome: Outcome
    #: The fields that differ, and how (for a held article: only those lost).
    fields: dict[str, Change]
    #: The ``articles`` columns to set, with their values as stored.
    values: dict[str, Any] = field(default_factory=dict)
    #: Why the new text was held: it looks damaged, or was read only in part.
    why: str | None = None


def change(was: Any, now: Any) -> Change | None:
    """How a field went from ``was`` to ``now``; ``None`` when it did not change (two empty
    values, ``None`` and ``""``, are the same)."""
    if present(was) and present(now):
        return "changed" if was != now else None
    if present(now):
        return "filled"
    if present(was):
        return "lost"
    return None


def item_values(item: ArticleItem) -> dict[str, Any]:
    """The item's :data:`FIELDS` as :func:`newscrawl.archive.stored_text` gives a stored article's."""
    values = {name: getattr(item, name) for name in FIELDS if name != "captions"}
    values["captions"] = [asdict(caption) for caption in item.captions]
    return values


def decide(stored: Mapping[str, Any], item: ArticleItem, digest: str, expected: Sequence[str] = EXPECTED_FIELDS) -> Decision:
    """What to store of ``item``, today's extraction of the page the article ``stored`` (as
    :func:`newscrawl.archive.stored_text` reads it) was read from; ``digest`` is the item's
    :func:`newscrawl.archive.content_hash`, ``expected`` the fields every article of its site
    shows (``missing_fields`` names those it lacks)."""
    new = item_values(item)
    fields = {name: how for name in FIELDS if (how := change(stored.get(name), new[name])) is not None}
    lost: dict[str, Change] = {name: how for name, how in fields.items() if how == "lost"}
    new_text = any(name in fields for name in CONTENT_FIELDS)
    if new_text and item.truncated and not stored.get("truncated"):
        return Decision("held", lost, why=f"read only in part: {item.truncated}")
    if new_text:
        why = refetch_damage(
            Text(stored.get("headline"), stored.get("body"), stored.get("authors") or [], stored.get("tags") or []),
            Text(item.headline, item.body, item.authors, item.tags),
        )
        if why is not None:
            return Decision("held", lost, why=why)
    values: dict[str, Any] = {}
    if new_text:
        values.update({name: new[name] for name in CONTENT_FIELDS if name != "captions"})
        values.update(authors=_json(item.authors), tags=_json(item.tags), content_hash=digest, truncated=item.truncated)
    for name in OTHER_FIELDS:
        if fields.get(name) in ("filled", "changed"):
            values[name] = new[name]
    merged = {**stored, **({name: new[name] for name in CONTENT_FIELDS} if new_text else {}), **values}
    if merged.get("truncated"):
        merged["body"] = None
    missing = _json(absent_fields(merged, expected))
    if values and missing != stored.get("missing_fields"):
        values["missing_fields"] = missing
    outcome: Outcome = "version" if new_text else "updated" if values else "unchanged"
    # where the fields came from is no field of the article: refreshed, but changing it alone
    # leaves the article unchanged
    sources = json.dumps(item.field_sources, ensure_ascii=False)
    if sources != stored.get("field_sources"):
        values["field_sources"] = sources
    return Decision(outcome, fields, values)


def _json(value: list[str]) -> str:
    return json.dumps(value, ensure_ascii=False)


@dataclass
class ChangeTable:
    """The counts ``newscrawl reextract`` prints: per field, per :data:`CHANGES`; and per article."""

    fields: dict[str, dict[Change, int]] = field(default_factory=lambda: {name: dict.fromkeys(CHANGES, 0) for name in FIELDS})
    #: Articles with a kept page that the filters selected.
    selected: int = 0
    #: Pages read again and extracted.
    read: int = 0
    outcomes: dict[Outcome, int] = field(default_factory=lambda: {"unchanged": 0, "version": 0, "updated": 0, "held": 0})
    #: Pages that do not read as an article today (nothing stored).
    not_article: int = 0
    #: Pages that could not be read: their WARC file or record missing.
    unreadable: int = 0
    #: Pages whose WARC file was pruned (``captures.warc_file`` is null).
    pruned: int = 0
    #: Articles the filters selected that have no kept page (stored before captures were kept).
    unkept: int = 0

    def add(self, decision: Decision) -> None:
        """Count one article's decision."""
        self.read += 1
        self.outcomes[decision.outcome] += 1
        for name, how in decision.fields.items():
            self.fields[name][how] += 1


def format_table(table: ChangeTable, *, dry_run: bool = False, seconds: float = 0.0) -> str:
    """The text ``newscrawl reextract`` prints: the per-field table, then one line of totals per
    kind, then the pages read per second."""
    heading = ("field", *CHANGES)
    rows = [heading, *((name, *(f"{table.fields[name][how]:,}" for how in CHANGES)) for name in FIELDS)]
    width = max(len(row[0]) for row in rows)
    lines = [
        "  ".join([row[0].ljust(width), *(cell.rjust(max(7, len(how))) for cell, how in zip(row[1:], CHANGES, strict=True))])
        for row in rows
    ]
    would = "would be " if dry_run else ""
    outcomes = table.outcomes
    lines += [
        "",
        f"articles: {table.selected:,} with a kept page, {table.read:,} read again, {outcomes['unchanged']:,} unchanged",
        f"stored: {outcomes['version']:,} {would}new versions (reason reextract), "
        f"{outcomes['updated']:,} {would}updated without a new version (fields filled or corrected)",
        f"not stored: {outcomes['held']:,} held (the new text looks worse), {table.not_article:,} no longer read as an article",
        f"not read: {table.unreadable:,} unreadable (WARC file or record missing), {table.pruned:,} pruned; "
        f"{table.unkept:,} articles have no kept page",
    ]
    rate = f" ({table.read / seconds:,.0f} pages/s)" if seconds > 0 else ""
    lines.append(f"{table.read:,} pages in {seconds:.1f} s{rate}" + ("; dry run: nothing was written" if dry_run else ""))
    return "\n".join(lines)
