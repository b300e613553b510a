"""The search form of a text: what the full-text index holds, and what a query is matched in.

:func:`search_form` is the one normalization both sides go through: the archive indexes the
search form of each article's headline, lead and body (the ``articles_fts`` triggers apply
:data:`FOLDS` in SQL, :func:`search_form_sql`), and ``newscrawl search`` (and the desk's canned
search) looks up the search form of the query. It folds what Arabic writes in more than one way:

- the marks (tashkeel: fatha, damma, kasra, sukun, shadda, the three tanwin, maddah, hamza above
  and below, the superscript alef) and the tatweel ``ـ`` are dropped: ``غزّة`` and ``غزة``, ``يُصعِّد`` and ``يصعد``, ``غـزة`` and ``غزة`` are one word;
- the alef forms ``أ إ آ ٱ`` become ``ا``, the alef maqsura ``ى`` becomes ``ي`` and the ta
  marbuta ``ة`` becomes ``ه``: ``الإحتلال`` and ``الاحتلال``, ``مستشفى`` and ``مستشفي``,
  ``غزة`` and ``غزه`` are one word.

Letter case and the accents of Latin letters (``educación``, ``EDUCACION``) are folded after
it by the index's tokenizer (FTS5's ``unicode61`` with ``remove_diacritics 2``), on both sides
alike: :data:`TOKENIZE`.

Every fold is of one character to at most one, so the search form of a text has the same words
as the text, in the same places (the tokenizer takes marks for letters, :data:`TOKENIZE`): a
snippet or highlight is cut from the text as it was written, at the words the index matched. A
mark or a tatweel standing alone between spaces is a word of the text and none of its search
form: the highlights after it in that field land one word later.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

_ALEF, _YA, _HA = "\u0627", "\u064a", "\u0647"

#: Each character the search form changes, and what it becomes ("": dropped). Fixed here rather
#: than taken from :mod:`unicodedata`, whose tables change with Python's version: an archive's
#: index and the queries made on it years later must fold alike.
FOLDS: Mapping[str, str] = MappingProxyType(
    {
        # tanwin (fathatan, dammatan, kasratan), fatha, damma, kasra, shadda, sukun, and the
        # maddah, hamza above and hamza below written as marks
        **dict.fromkeys(map(chr, range(0x064B, 0x0656)), ""),
        "\u0670": "",  # superscript (dagger) alef
        "\u0640": "",  # tatweel
        "\u0623": _ALEF,  # alef with hamza above
        "\u0625": _ALEF,  # alef with hamza below
        "\u0622": _ALEF,  # alef with madda
        "\u0671": _ALEF,  # alef wasla
        "\u0649": _YA,  # alef maqsura
        "\u0629": _HA,  # ta marbuta
    }
)

#: The tokenizer of ``articles_fts``: ``unicode61`` folding case and Latin accents
#: (``remove_diacritics 2``), with the marks (Unicode category Mn) taken as letters: by default
#: they part words, so ``يُصعِّد`` would be read as three words, and the text's words would no
#: longer line up with its search form's.
TOKENIZE = "unicode61 remove_diacritics 2 categories 'L* N* Co Mn'"

_TABLE = str.maketrans(dict(FOLDS))
# The range of code points that holds every character folded.
_FIRST, _LAST = min(FOLDS), max(FOLDS)


def search_form(text: str) -> str:
    """``text`` as the full-text index holds it and a query is matched in: :data:`FOLDS` applied
    (Arabic marks and tatweel dropped; alef forms, alef maqsura and ta marbuta folded). Pure;
    ASCII text, FTS5's query syntax included, comes back as it is."""
    if text.isascii():
        return text
    return text.translate(_TABLE)


def search_form_sql(expression: str) -> str:
    """The SQL that computes :func:`search_form` of the text ``expression`` (a column, or
    ``new.body`` in a trigger): one ``replace`` per fold, so that any program writing the archive,
    with no function of newscrawl's registered, keeps the index as newscrawl does. ``NULL`` stays
    ``NULL``. (SQLite parses at most about 30 nested calls: :data:`FOLDS` stays within that.)"""
    sql = expression
    for found, shown in FOLDS.items():
        sql = f"replace({sql}, '{found}', '{shown}')"
    # One scan for a text none of whose characters is folded (English, Spanish), instead of a
    # copy of it per fold.
    return f"CASE WHEN {expression} GLOB '*[{_FIRST}-{_LAST}]*' THEN {sql} ELSE {expression} END"
