"""Headline agreement: the source pairs (``<h1>``, ``og:title``, JSON-LD, Twitter and document
titles) whose agreement settles the headline, the pairs that are mostly copies of one field, the
displayed ``<h1>`` that outranks such copies, the text two titles share up to a kicker or site
name, a JSON-LD headline cut short with an ellipsis, and an ``<h1>`` that names a section.
"""

from __future__ import annotations

import re
import unicodedata

# Source pairs whose agreement settles the headline, most trusted first: the displayed <h1>
# with any metadata title, or the JSON-LD headline with og:title (CMSs fill them from separate
# fields: the article's headline and its social title).
HEADLINE_PAIRS = (
    ("h1", "og"),
    ("ld", "h1"),
    ("ld", "og"),
    ("h1", "tw"),
    ("h1", "title"),
)
# Pairs of metadata titles that CMSs and SEO plugins mostly write from one field (twitter:title
# and <title> copied from the social or SEO title): their agreement is one source stated twice,
# so it ranks below the displayed <h1> (see :func:`displayed_headline`).
COPIED_PAIRS = (
    ("og", "tw"),
    ("ld", "tw"),
    ("og", "title"),
)
# A separator between a title and a kicker or site name; a closing quote may stand before it.
_TITLE_SEPARATOR = re.compile(r"^[\s\"'“”»’]*(?:[-|–—:：·•/]|ㅣ)\s*|\s*(?:[-|–—:：·•/]|ㅣ)[\s\"'“„«‘]*$")


def title_key(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip(" \"'“”„«»‘’.").casefold()


# A kicker (a topic label set before the headline) is a few words; a longer part before the
# separator is the first half of a two-part headline ("Long Topic Phrase: The Rest").
_KICKER_WORDS = 5
_WORD = re.compile(r"\w+")


def shared_core(a: str, b: str) -> str | None:
    """The text two titles share when they are equal, or when one is the other plus a prefix or
    suffix set off by a separator (``Kicker: Headline``, ``Headline - Site``); else ``None``. A
    prefix counts as a kicker only while it is at most five words (:func:`is_kicker`)."""
    ka, kb = title_key(a), title_key(b)
    if ka == kb:
        return a
    (short, short_raw), long_ = ((ka, a), kb) if len(ka) < len(kb) else ((kb, b), ka)
    if len(short) < 12:
        return None
    if long_.startswith(short) and _TITLE_SEPARATOR.match(long_[len(short) :]):
        return short_raw
    if long_.endswith(short) and _TITLE_SEPARATOR.search(long_[: -len(short)]) and is_kicker(long_[: -len(short)]):
        return short_raw
    return None


def is_kicker(prefix: str) -> bool:
    """Whether the text before a title's separator (``Kicker:`` in ``Kicker: Headline``) can be a
    kicker, a section or a site name: at most five words. Headlines in two parts (``I diversi
    approcci di validazione in blockchain: proof of work vs proof of stake``) have a longer first
    part, which is no label to drop."""
    return len(_WORD.findall(prefix)) <= _KICKER_WORDS


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


# A word of at least this many characters shared with another title ties the <h1> to the story.
_SHARED_WORD = 4


def displayed_headline(titles: dict[str, str]) -> str | None:
    """The ``<h1>`` where it names the same story as another of the page's titles (they share a
    word of four or more characters), else ``None``.

    Where no two independent sources agree (:data:`HEADLINE_PAIRS`), the headline the page
    displays beats metadata titles that merely repeat each other (:data:`COPIED_PAIRS`): sites
    write a social or SEO title once and copy it to ``og:title``, ``twitter:title`` and
    ``<title>``, so its agreement with itself says nothing. An ``<h1>`` sharing no word with any
    other title is the site's logo, a "Log In" heading or a section name, not the story's.
    """
    h1 = titles.get("h1")
    if not h1:
        return None
    own = _long_words(h1)
    return h1 if any(own & _long_words(text) for key, text in titles.items() if key != "h1") else None


def _long_words(text: str) -> set[str]:
    return {word for word in _WORD.findall(text.casefold()) if len(word) >= _SHARED_WORD}
