"""``newscrawl doctor``: one page read the way a crawl reads it, every field with its value, its
source and the candidates each layer offered, the layers not taken included.

The layers are the field methods' own (:class:`newscrawl.extract.newspage.NewsPage` with its
``trace`` on records each layer as the method runs it), drawn in the loader's order
(:func:`newscrawl.loaders.article_fields`): the report cannot disagree with the extraction about
which layer comes first. Here every layer runs, where a crawl stops at the first usable one.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from newscrawl.desk.terminal import fail
from newscrawl.extract.document import Page
from newscrawl.extraction import site_context
from newscrawl.loaders import FIRST_OF, SOURCE_KEYS, LoadContext, article_fields, load_article, page_context, survives
from newscrawl.settings import USER_AGENT
from newscrawl.sites import registry
from newscrawl.sites.profile import PageContext
from newscrawl.urls import origin

if TYPE_CHECKING:
    from newscrawl.extract.newspage import NewsPage

#: How long a fetch of the page may take, in seconds.
FETCH_TIMEOUT = 30
# Candidates longer than this are cut in the text report (the JSON report has them whole) ...
_SHOWN = 100
# ... and of a list this many are shown.
_LISTED = 4


@dataclass
class Layer:
    """One layer of a field: its source, the raw candidates it offered, and the index of the
    candidate the extraction took from it (scalar fields), ``-1`` for the whole layer (list
    fields), ``None`` when it was not taken; ``what`` says what the layer reads where several
    layers share a source (``og:title``, ``two titles agree``), else ``""``."""

    source: str
    candidates: list[Any]
    taken: int | None = None
    what: str = ""


@dataclass
class FieldReport:
    """A field of the page: the value the extraction stores, its source, and every layer."""

    name: str
    value: Any
    source: str | None
    layers: list[Layer]


@dataclass
class Diagnosis:
    """What ``newscrawl doctor`` reports of one page."""

    url: str
    #: The site profile the page was read with (``generic`` for a site without one).
    profile: str
    #: Its edition's code, ``None`` for the generic profile.
    edition: str | None
    #: Whether the profile reads the page as an article (a crawl stores it only then).
    is_article: bool
    fields: list[FieldReport]


def diagnose(html: str | bytes, url: str) -> Diagnosis:
    """Read the page ``html`` at ``url`` with the profile of its site (the generic layers for a
    site without one) and report every field's layers."""
    profile, edition = registry.for_url(url)
    context = LoadContext.for_edition(edition) if edition is not None else site_context(origin(url))
    page = profile.article_page(Page.from_html(html, url), PageContext(edition=edition))
    hint = profile.section_hint(url, {})
    item = load_article(page, context, section_hint=hint)
    values = dataclasses.asdict(item)
    loading = page_context(page, context)
    fields = []
    for name, candidates in article_fields(page, hint).items():
        source = item.field_sources.get(name)
        layers, offered = _layers(page, SOURCE_KEYS.get(name, name), candidates, source)
        if name in FIRST_OF:
            _mark_candidate(layers, source, next((c for c in offered if survives(loading, name, c)), None))
        else:
            _mark_layer(layers, source)
        fields.append(FieldReport(name, _plain(values[name]), source, layers))
    return Diagnosis(url, profile.name, edition.code if edition else None, page.is_article(), fields)


def _layers(page: NewsPage, key: str, candidates: Any, source: str | None) -> tuple[list[Layer], list[Any]]:
    """Every layer of one field, run with the page's trace on; and what the field method gave."""
    page.trace = {}
    page.__dict__.pop("_authors", None)  # cached by the extraction: its layers are to run again
    try:
        offered = list(candidates())
        traced = page.trace.get(key, [])
    finally:
        page.trace = None
    if not traced and offered:  # a field read in one piece (related links): one layer
        traced = [(source or "?", "", offered)]
    return [Layer(layer, list(values), what=what) for layer, what, values in traced], offered


def _mark_candidate(layers: list[Layer], source: str | None, taken: Any) -> None:
    for layer in layers:
        if layer.source == source and taken in layer.candidates:
            layer.taken = layer.candidates.index(taken)
            return


def _mark_layer(layers: list[Layer], source: str | None) -> None:
    for layer in layers:
        if layer.source == source and layer.candidates:
            layer.taken = -1
            return


def _plain(value: Any) -> Any:
    """``value`` as JSON takes it (tuples as lists)."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def as_json(diagnosis: Diagnosis) -> dict[str, Any]:
    """The JSON report: ``url``, ``profile``, ``edition``, ``article``, and ``fields``: by field,
    its ``value``, ``source`` and ``layers`` (each ``source``, ``what``, ``candidates``, ``taken``)."""
    return {
        "url": diagnosis.url,
        "profile": diagnosis.profile,
        "edition": diagnosis.edition,
        "article": diagnosis.is_article,
        "fields": {
            f.name: {
                "value": f.value,
                "source": f.source,
                "layers": [
                    {"source": x.source, "what": x.what, "candidates": _plain(x.candidates), "taken": x.taken} for x in f.layers
                ],
            }
            for f in diagnosis.fields
        },
    }


def as_text(diagnosis: Diagnosis) -> str:
    """The text report: the page, its profile and edition, then per field its value and source
    and one line per layer (``*`` marks the layer taken, ``(taken)`` the candidate); long texts
    and lists are cut."""
    edition = f", edition {diagnosis.edition}" if diagnosis.edition else ""
    lines = [
        diagnosis.url,
        f"profile: {diagnosis.profile}{edition}",
        f"reads as an article: {'yes' if diagnosis.is_article else 'no'}",
    ]
    width = max((len(_layer_name(layer)) for f in diagnosis.fields for layer in f.layers), default=0)
    for f in diagnosis.fields:
        lines += ["", f"{f.name}: {_shown_value(f.value)}", f"  source: {f.source or '-'}"]
        if not f.layers:
            lines.append("    (no layer offered anything)")
        for layer in f.layers:
            mark = "*" if layer.taken is not None else " "
            shown = [_shown(c) + (" (taken)" if i == layer.taken else "") for i, c in enumerate(layer.candidates)]
            lines.append(f"  {mark} {_layer_name(layer).ljust(width)}  {_listed(shown, '  |  ') or '-'}")
    return "\n".join(lines)


def _layer_name(layer: Layer) -> str:
    return f"{layer.source} ({layer.what})" if layer.what else layer.source


def _shown_value(value: Any) -> str:
    if value is None or value in ([], ""):
        return "(none)"
    if isinstance(value, list):
        return _listed([_shown(v) for v in value], "; ")
    return _cut(str(value))


def _listed(shown: list[str], separator: str) -> str:
    """The first of ``shown`` joined, and how many there are when not all are shown."""
    more = f"{separator}… ({len(shown)} in all)" if len(shown) > _LISTED else ""
    return separator.join(shown[:_LISTED]) + more


def _shown(candidate: Any) -> str:
    if isinstance(candidate, dict):  # a stored caption or link
        candidate = candidate.get("text") or candidate.get("url") or ""
    elif isinstance(candidate, (list, tuple)):  # a raw caption (text, credit, image) or link (url, kind)
        candidate = " / ".join(str(part) for part in candidate if part)
    return json.dumps(_cut(str(candidate)), ensure_ascii=False)


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def is_url(target: str) -> bool:
    """Whether ``newscrawl doctor``'s argument names a page to fetch rather than a saved file."""
    return target.startswith(("http://", "https://"))


def fetch(url: str) -> bytes:
    """The page at ``url``, fetched once (as the crawler names itself)."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
        return bytes(response.read())


def doctor_command(target: str, url: str | None, *, json_output: bool = False, out: IO[str] = sys.stdout) -> int:
    """``newscrawl doctor``: report the page ``target`` (a URL fetched once, or a saved file whose
    address ``url`` gives); returns the exit status: 0 reported, 2 the file cannot be read or the
    page cannot be fetched (one line on standard error)."""
    if is_url(target):
        address = target
        try:
            html = fetch(target)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            why = exc.reason if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError) else exc
            return fail("doctor", f"cannot fetch {target}: {why}", 2)
    else:
        address = url or "https://example.invalid/"
        try:
            html = Path(target).read_bytes()
        except OSError as exc:
            return fail("doctor", f"cannot read {target}: {exc.strerror}", 2)
    diagnosis = diagnose(html, address)
    out.write((json.dumps(as_json(diagnosis), ensure_ascii=False) if json_output else as_text(diagnosis)) + "\n")
    return 0
