"""Headline agreement: the source pairs (``<h1>``, ``og:title``, JSON-LD, Twitter and document
titles) whose agreement settles the headline, the text two titles share up to a kicker or site
name, a JSON-LD headline cut short with an ellipsis, and an ``<h1>`` that names a section.
"""

from __future__ import annotations

import re
import unicodedata

# Source pairs whose agreement settles the headline, most trusted first.
HEADLINE_PAIRS = (
    ("h1", "og"),
    ("ld", "h1"),
    ("ld", "og"),
    ("h1", "tw"),
    ("og", "tw"),
    ("ld", "tw"),
    ("h1", "title"),
    ("og", "title"),
)
# A separator between a title and a kicker or site name; a closing quote may stand before it.
_TITLE_SEPARATOR = re.compile(r"^[\s\"'“”»’]*(?:[-|–—:：·•/]|ㅣ)\s*|\s*(?:[-|–—:：·•/]|ㅣ)[\s\"'“„«‘]*$")


def title_key(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip(" \"'“”„«»‘’.").casefold()


def shared_core(a: str, b: str) -> str | None:
    """The text two titles share when they are equal, or when one is the other plus a prefix or
    suffix set off by a separator (``Kicker: Headline``, ``Headline - Site``); else ``None``."""
    ka, kb = title_key(a), title_key(b)
    if ka == kb:
        return a
    (short, short_raw), long_ = ((ka, a), kb) if len(ka) < len(kb) else ((kb, b), ka)
    if len(short) < 12:
        return None
    if long_.startswith(short) and _TITLE_SEPARATOR.match(long_[len(short) :]):
        return short_raw
    if long_.endswith(short) and _TITLE_SEPARATOR.search(long_[: -len(short)]):
        return short_raw
    return None


_ELLIPSIS = re.compile(r"\s*(?:\.{3}|…)$")


def completes(truncated: str | None, full: str) -> str | None:
    """``full`` when ``truncated`` is it cut short with an ellipsis (CMSs cut JSON-LD headlines to
    search engines' length limits): then ``full`` is the displayed headline, whatever shorter
    social title other sources agree on."""
    if not truncated or not _ELLIPSIS.search(truncated):
        return None
    stem = title_key(_ELLIPSIS.sub("", truncated))
    key = title_key(full)
    return full if len(stem) >= 20 and len(key) > len(stem) and key.startswith(stem) else None


def drop_section_label(titles: dict[str, str]) -> None:
    """Where a short ``<h1>`` is only a middle part of the document title (``Story | Blog Name |
    Site`` with ``<h1>Blog Name</h1>``), it names a section or blog, not the story: it is dropped,
    and the titles lose that part and what follows it."""
    label = title_key(titles["h1"])
    if len(label.split()) > 4:
        return  # a name, not a story's headline
    for key in ("og", "title", "tw"):
        parts = titles.get(key, "").split(" | ")
        cut = next((i for i, part in enumerate(parts[:-1]) if i and title_key(part) == label), None)
        if cut is not None:
            titles[key] = " | ".join(parts[:cut])
            titles.pop("h1", None)
