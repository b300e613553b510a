"""Field coverage: which fields an article lacks, how many of a run's articles had each field, and
whether that share fell so far below the archive's history that a selector has probably broken;
and which layer supplied each field (its source), and whether the main one moved away from the
source the archive's history shows (the site's markup changed, before a field goes missing).

Pure functions and a counter; the pipeline (:class:`newscrawl.crawl.pipelines.ArchivePipeline`) feeds
them and the archive (:mod:`newscrawl.archive`) stores what they compute.

The fields, named as :class:`newscrawl.items.ArticleItem` names them:

- expected fields: what every article page of a site shows. A site's profile names them
  (:attr:`newscrawl.sites.profile.SiteProfile.expected_fields`, handed to these functions by
  whoever knows the article's site); :data:`EXPECTED_FIELDS`, those of any news site, is the
  default: headline, byline (``authors``), publication time, section, lead, body and tags. An
  article without one of them records it in ``articles.missing_fields``.
- monitored fields (:func:`monitored_fields`): those, plus fields only some pages have by nature
  (:data:`OCCASIONAL_FIELDS`: a wire ``source``, ``captions``, a ``region``): their absence on
  one page says nothing, but a fall of their share over a whole run does.

A field's source is the layer that supplied its value (``ArticleItem.field_sources``:
:data:`newscrawl.extract.provenance.SOURCES`); a field with a value but no recorded source counts
under :data:`UNKNOWN_SOURCE`.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping, Sequence

    from newscrawl.items import ArticleItem

#: Fields every article of a news site should have, unless its profile names others; a stored
#: article lists the ones it lacks.
EXPECTED_FIELDS = ("headline", "authors", "published_at", "section", "lead", "body", "tags")
#: Fields only some articles have by nature: monitored over a run, never missing on one page.
OCCASIONAL_FIELDS = ("source", "captions", "region")


def monitored_fields(expected: Sequence[str] = EXPECTED_FIELDS) -> tuple[str, ...]:
    """The fields whose share of a run's articles is recorded and judged against the archive's
    history, for a site whose articles should have ``expected``: those, then the occasional ones."""
    return (*expected, *(name for name in OCCASIONAL_FIELDS if name not in expected))


#: The monitored fields of a site with the default expected fields.
MONITORED_FIELDS = monitored_fields()
#: The source a field with a value counts under when its article records none for it.
UNKNOWN_SOURCE = "unknown"

#: Spider stats the "stored nothing although listings were reachable" check reads.
LISTING_PAGES = "newscrawl/listing_pages"
LISTING_LINKS = "newscrawl/listing_article_links"
ARTICLE_PAGES = "newscrawl/article_pages"
_STORED = ("newscrawl/articles_new", "newscrawl/articles_changed", "newscrawl/articles_unchanged")


class CoverageSettingError(ValueError):
    """A ``COVERAGE_*`` setting is out of range; the message names it."""


def absent_fields(values: Mapping[str, Any], fields: Iterable[str] = EXPECTED_FIELDS) -> list[str]:
    """The ``fields`` whose value in ``values`` is missing, ``None``, empty or blank, in the
    order of ``fields``."""
    return [name for name in fields if not present(values.get(name))]


def missing_fields(item: ArticleItem, expected: Sequence[str] = EXPECTED_FIELDS) -> list[str]:
    """The ``expected`` fields (its site's) an article lacks, e.g. ``["authors", "tags"]``; the
    body of a page read only in part (``truncated``) counts as missing, whatever part of it was read."""
    values = vars(item)
    return absent_fields({**values, "body": None} if item.truncated else values, expected)


def present(value: Any) -> bool:
    """Whether a field holds something: not ``None``, nor blank text, nor an empty list."""
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, tuple, dict)):
        return bool(value)
    return value is not None


@dataclass(frozen=True)
class FieldCoverage:
    """How many of a run's articles of one content type had one field."""

    content_type: str
    field: str
    articles: int
    present: int

    @property
    def share(self) -> float:
        """``present / articles`` (0 for no article)."""
        return self.present / self.articles if self.articles else 0.0


@dataclass(frozen=True)
class FieldSource:
    """How many of a run's articles of one content type had one field from one source."""

    content_type: str
    field: str
    source: str
    articles: int


class CoverageTally:
    """Counts the articles a run stored, per content type, how many had each monitored field,
    and from which source.

    A field counts only the articles it is monitored on: one that an article's site does not
    expect (nor is occasional) neither raises nor lowers its share. Articles without a content
    type count under ``""``.
    """

    def __init__(self, fields: Sequence[str] = MONITORED_FIELDS) -> None:
        #: The fields monitored on an article added without its own.
        self.fields = tuple(fields)
        #: Every field monitored on an article so far, :attr:`fields` first: the rows' order.
        self.seen = dict.fromkeys(self.fields)
        self.articles: Counter[tuple[str, str]] = Counter()
        self.present: Counter[tuple[str, str]] = Counter()
        #: Articles with the field, by ``(content_type, field, source)``.
        self.sources: Counter[tuple[str, str, str]] = Counter()

    def add(self, item: ArticleItem, fields: Sequence[str] | None = None) -> None:
        """Count one stored article on ``fields``, those monitored on its site's articles
        (:func:`monitored_fields`); :attr:`fields` when ``None``."""
        watched = self.fields if fields is None else fields
        self.seen.update(dict.fromkeys(watched))
        kind = item.content_type or ""
        missing = set(absent_fields(vars(item), watched))
        for name in watched:
            self.articles[kind, name] += 1
            if name not in missing:
                self.present[kind, name] += 1
                self.sources[kind, name, item.field_sources.get(name, UNKNOWN_SOURCE)] += 1

    def rows(self) -> list[FieldCoverage]:
        """One :class:`FieldCoverage` per content type seen and field monitored on one of its
        articles, by content type, then in the order of :attr:`seen`."""
        kinds = sorted({kind for kind, _ in self.articles})
        return [
            FieldCoverage(kind, name, self.articles[kind, name], self.present[kind, name])
            for kind in kinds
            for name in self.seen
            if self.articles[kind, name]
        ]

    def source_rows(self) -> list[FieldSource]:
        """One :class:`FieldSource` per content type, field and source that supplied it, in the
        order of :meth:`rows`, each field's sources by articles (most first), then by name."""
        order = {(row.content_type, row.field): n for n, row in enumerate(self.rows())}
        return [
            FieldSource(kind, name, source, articles)
            for (kind, name, source), articles in sorted(
                self.sources.items(), key=lambda entry: (order[entry[0][:2]], -entry[1], entry[0][2])
            )
        ]


@dataclass(frozen=True)
class Limits:
    """When a fall of coverage is judged, and when it is flagged (the ``COVERAGE_*`` settings)."""

    #: How many earlier judged runs make the baseline (their median share).
    history_runs: int = 10
    #: Fewest articles of a content type for a run to be judged, or to count in a baseline.
    min_articles: int = 5
    #: Fewest earlier runs a baseline needs: the first runs only learn it.
    learn_runs: int = 2
    #: Smallest fall that is flagged, relative to the baseline (0.5: to half of it or below).
    drop: float = 0.5
    #: A fall is flagged only when chance alone would give it less often than this.
    p_value: float = 0.001

    def __post_init__(self) -> None:
        if self.history_runs < 1 or self.min_articles < 1 or self.learn_runs < 1:
            raise CoverageSettingError("COVERAGE_HISTORY_RUNS, COVERAGE_MIN_ARTICLES and COVERAGE_LEARN_RUNS must be at least 1")
        if self.learn_runs > self.history_runs:
            raise CoverageSettingError("COVERAGE_LEARN_RUNS cannot exceed COVERAGE_HISTORY_RUNS")
        if not 0 < self.drop <= 1:
            raise CoverageSettingError(f"COVERAGE_DROP={self.drop} is not in (0, 1]")
        if not 0 < self.p_value <= 1:
            raise CoverageSettingError(f"COVERAGE_P_VALUE={self.p_value} is not in (0, 1]")


@dataclass(frozen=True)
class CoverageDrop:
    """A field whose share of a run's articles fell well below its baseline."""

    coverage: FieldCoverage
    #: The median share over the earlier runs.
    baseline: float
    #: How many earlier runs the baseline is the median of.
    runs: int

    def describe(self) -> str:
        """One line, e.g. ``coverage of authors for article fell to 0% (0/31) from a baseline of
        42% over 5 runs``."""
        c = self.coverage
        return (
            f"coverage of {c.field} for {c.content_type or 'untyped'} fell to {c.share:.0%} ({c.present}/{c.articles}) "
            f"from a baseline of {self.baseline:.0%} over {self.runs} runs"
        )

    def summary(self) -> str:
        """A short form for a one-line message, e.g. ``authors (article) 42% -> 0%``."""
        c = self.coverage
        return f"{c.field} ({c.content_type or 'untyped'}) {self.baseline:.0%} -> {c.share:.0%}"


def binomial_lower_tail(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p): how often chance alone gives ``k`` or fewer successes
    in ``n`` trials of probability ``p``. Summed in log space, so large ``n`` does not overflow."""
    if k >= n or p <= 0:
        return 1.0
    if k < 0:
        return 0.0
    if p >= 1:
        return 0.0
    log_p, log_q, log_n = math.log(p), math.log1p(-p), math.lgamma(n + 1)
    terms = [log_n - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_p + (n - i) * log_q for i in range(k + 1)]
    top = max(terms)
    return min(1.0, math.exp(top) * math.fsum(math.exp(t - top) for t in terms))


def judge(
    current: Iterable[FieldCoverage], history: Mapping[tuple[str, str], Sequence[float]], limits: Limits
) -> list[CoverageDrop]:
    """The fields of a run whose coverage fell well below their history.

    ``history`` maps ``(content_type, field)`` to that field's shares in earlier runs, newest
    first, of runs that count for a baseline (finished, with ``limits.min_articles`` articles of
    the type or more). A field is judged only when the run has ``limits.min_articles`` articles
    of the type and the history ``limits.learn_runs`` runs; it is flagged when its share is at
    most ``1 - limits.drop`` of the baseline (the median of the last ``limits.history_runs``
    shares) and chance would give so few articles with it less often than ``limits.p_value``.
    Returns the flagged fields, in the order of ``current``.
    """
    drops = []
    for coverage in current:
        shares = list(history.get((coverage.content_type, coverage.field), ()))[: limits.history_runs]
        if coverage.articles < limits.min_articles or len(shares) < limits.learn_runs:
            continue
        baseline = statistics.median(shares)
        if baseline <= 0 or coverage.share > baseline * (1 - limits.drop):
            continue
        if binomial_lower_tail(coverage.present, coverage.articles, baseline) < limits.p_value:
            drops.append(CoverageDrop(coverage, baseline, len(shares)))
    return drops


@dataclass(frozen=True)
class SourceShift:
    """A field whose main source in a run is not the one the archive's history shows, the old
    one's share having fallen well."""

    #: The run's articles of the type (``articles``) and how many had the field (``present``).
    coverage: FieldCoverage
    #: The history's main source, and its median share over the earlier runs.
    old: str
    baseline: float
    #: How many earlier runs the baseline is the median of.
    runs: int
    #: The run's main source, and how many of its articles had the field from it.
    new: str
    new_articles: int

    @property
    def share(self) -> float:
        """The new source's share of the run's articles of the type."""
        return self.new_articles / self.coverage.articles if self.coverage.articles else 0.0

    def describe(self) -> str:
        """One line, e.g. ``source of headline for news moved from cms (98% over 5 runs) to
        heuristic (60%, 18/30)``."""
        c = self.coverage
        return (
            f"source of {c.field} for {c.content_type or 'untyped'} moved from {self.old} ({self.baseline:.0%} over "
            f"{self.runs} runs) to {self.new} ({self.share:.0%}, {self.new_articles}/{c.articles})"
        )

    def summary(self) -> str:
        """A short form for a one-line message, e.g. ``headline (news) cms 98% -> heuristic 60%``."""
        c = self.coverage
        return f"{c.field} ({c.content_type or 'untyped'}) {self.old} {self.baseline:.0%} -> {self.new} {self.share:.0%}"


def main_source(runs: Sequence[Mapping[str, float]]) -> tuple[str, float] | None:
    """A field's main source over earlier runs (each a map of source to its share of the run's
    articles) and its baseline: the source of the highest median share (a run without it counts
    0), and that median; ties go to the higher mean share, then to the first name. ``None`` when
    no source has a median share above 0 (no run had the field, or none had it from one source
    in as many as half of the runs)."""
    shares = {source: [run.get(source, 0.0) for run in runs] for source in sorted({s for run in runs for s in run})}
    if not shares:
        return None
    source = max(shares, key=lambda name: (statistics.median(shares[name]), statistics.fmean(shares[name])))
    baseline = statistics.median(shares[source])
    return (source, baseline) if baseline > 0 else None


def judge_sources(
    current: Iterable[FieldCoverage],
    sources: Iterable[FieldSource],
    history: Mapping[tuple[str, str], Sequence[Mapping[str, float]]],
    limits: Limits,
    *,
    skip: Collection[tuple[str, str]] = (),
) -> list[SourceShift]:
    """The fields of a run whose main source moved away from the one of their history.

    ``current`` is the run's coverage, ``sources`` its articles with each field by source;
    ``history`` maps ``(content_type, field)`` to earlier runs' shares of it by source (each run
    a map of source to share of its articles), newest first, of the runs that count for a
    baseline (as for :func:`judge`). A field is judged under the same limits as its coverage:
    ``limits.min_articles`` articles of the type in the run, ``limits.learn_runs`` runs in the
    history, of which the last ``limits.history_runs`` count. It is flagged when the run's main
    source (the one most of its articles had the field from; a tie keeps the old one) is not the
    history's (:func:`main_source`), the old one's share fell to ``1 - limits.drop`` of its
    baseline or below, and chance would give it so few articles less often than
    ``limits.p_value``. A field of ``skip`` (one whose coverage fell: already reported) and a
    field no article of the run had are not judged. Returns the flagged fields, in the order of
    ``current``.
    """
    counts: dict[tuple[str, str], Counter[str]] = {}
    for row in sources:
        counts.setdefault((row.content_type, row.field), Counter())[row.source] += row.articles
    shifts = []
    for coverage in current:
        key = (coverage.content_type, coverage.field)
        runs = list(history.get(key, ()))[: limits.history_runs]
        by_source = counts.get(key)
        if key in skip or not by_source or coverage.articles < limits.min_articles or len(runs) < limits.learn_runs:
            continue
        found = main_source(runs)
        if found is None:
            continue
        old, baseline = found
        new = max(sorted(by_source), key=lambda name: (by_source[name], name == old))
        kept = by_source.get(old, 0)
        if new == old or kept / coverage.articles > baseline * (1 - limits.drop):
            continue
        if binomial_lower_tail(kept, coverage.articles, baseline) < limits.p_value:
            shifts.append(SourceShift(coverage, old, baseline, len(runs), new, by_source[new]))
    return shifts


def stored_nothing(stats: Mapping[str, Any]) -> str | None:
    """Why a run that stored no article looks broken, from its spider's stats; ``None`` when it
    stored an article, or when it simply had nothing to fetch (every listed article archived).

    Article pages fetched but none stored (all dropped, none recognized), or listing pages read
    without one article link on any (a listing redesign), are broken.
    """
    if any(stats.get(key) for key in _STORED):
        return None
    pages, listings = int(stats.get(ARTICLE_PAGES) or 0), int(stats.get(LISTING_PAGES) or 0)
    if pages:
        return f"{pages} article pages fetched, none stored"
    if listings and not stats.get(LISTING_LINKS):
        return f"no article link found on any of {listings} listing pages"
    return None
