"""Pure cleaning and normalizing functions used by the item loaders.

Each function takes a raw value as a page shows it and returns the normalized value, or ``None``
when there is nothing usable in it (so a loader's ``TakeFirst`` moves on to the next layer's
candidate). None of them does I/O; all are table-tested in ``tests/test_processors.py``.
"""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime, tzinfo
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

from dateutil import parser as dateutil_parser

from newscrawl.dates import western_digits
from newscrawl.words import ENGLISH, Words

if TYPE_CHECKING:
    from collections.abc import Iterable

    from newscrawl.items import ContentType

T = TypeVar("T")

# Zero-width characters and the BOM show up in CMS text and break equality of otherwise equal lines.
INVISIBLE_CHARS = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
_INVISIBLE = re.compile(f"[{''.join(INVISIBLE_CHARS)}]")


def clean_text(value: str | None) -> str | None:
    """Collapse all whitespace (including no-break spaces) to single spaces and strip.

    Returns ``None`` for ``None`` or a value that is empty after cleaning.
    """
    if value is None:
        return None
    # isascii() is a flag lookup: most English text needs no search for invisible characters
    if not value.isascii() and any(char in value for char in INVISIBLE_CHARS):
        value = _INVISIBLE.sub("", value)
    # str.split() splits on exactly the characters \s matches, far faster than a regex
    return " ".join(value.split()) or None


def dedupe(values: Iterable[T]) -> list[T]:
    """Keep the first occurrence of each value, in order."""
    seen: set[T] = set()
    out: list[T] = []
    for value in values:
        if value not in seen:
            seen.add(value)
            out.append(value)
    return out


def dedupe_casefold(values: Iterable[str]) -> list[str]:
    """Keep the first spelling of each value, comparing case-insensitively."""
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        key = value.casefold()
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " ㅣ ", "ㅣ")


def strip_title_suffix(title: str | None, site_names: Iterable[str]) -> str | None:
    """Remove the site's name from a document or og title: a trailing ``| Site Name`` (or
    ``- Site Name``), or a leading ``Site Name |``. Names match case-insensitively, a social
    handle's ``@`` ignored (``@politifact`` names ``PolitiFact``)."""
    title = clean_text(title)
    if title is None:
        return None
    folded = title.casefold()
    for raw in site_names:
        name = (clean_text(raw) or "").lstrip("@").casefold()
        if not name:
            continue
        for sep in _TITLE_SEPARATORS:
            if folded.endswith(f"{sep}{name}") and len(title) > len(sep) + len(name):
                return clean_text(title[: -len(sep) - len(name)])
            if folded.startswith(f"{name}{sep}") and len(title) > len(sep) + len(name):
                return clean_text(title[len(name) + len(sep) :])
    return title


# Chinese and Japanese write words without spaces, so a space between them separates keywords.
_HAN_KANA_SPACED = re.compile(r"^[\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\s]+$")


def split_keywords(value: str | None) -> list[str]:
    """Split a comma-separated keyword string (CMS ``keywords``, ``meta[name=keywords]``) into the
    keywords; a comma-less Chinese or Japanese string is split at its spaces."""
    if not value:
        return []
    parts = re.split(r"[,，]", value)
    if len(parts) == 1 and _HAN_KANA_SPACED.match(value.strip()):
        parts = value.split()
    return [kw for kw in (clean_text(part) for part in parts) if kw]


_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
_DOMAIN_NAME = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}$", re.IGNORECASE)


# A CMS facet written into a keyword field: "Category: Economy", "NLP Entity Tokens: India".
_FACET = re.compile(
    r"^(?:nlp\s+)?(?:categor(?:y|ies)|sections?|topics?|tags?|entit(?:y|ies)(?:\s+tokens)?|keywords?|subjects?|"
    r"persons?|people|organi[sz]ations?|locations?|places?)\s*:\s*(?P<value>\S.*)$",
    re.IGNORECASE,
)


# A tag filed under its taxonomy path: "sections/sverige", "topic/misshandel & överfall".
_TAXONOMY_PATH = re.compile(r"^[a-z][a-z0-9_-]*(?:/[a-z0-9_-]+)*/(?P<name>[^/]+)$")


# A category a text classifier guessed ("NLP Category: General") is no editor's tag; the
# entities it found in the text ("NLP Entity Tokens: India") are.
_MACHINE_CATEGORY = re.compile(r"^nlp\s+categor", re.IGNORECASE)


def clean_tag(value: str | None) -> str | None:
    """A tag as shown, or ``None`` for what CMSs put among tags but is none: ids (UUIDs, numbers),
    domain names, and over-long strings. A facet label in front (``Category: Economy``), a
    taxonomy path (``sections/sverige``) and a sort key (``(1) Free articles``) are dropped."""
    text = clean_text(value)
    facet = _FACET.match(text) if text else None
    if facet and _MACHINE_CATEGORY.match(facet.group(0)):
        return None
    if facet:
        text = facet.group("value")
    if text is None or text.isdigit() or _UUID.match(text) or _DOMAIN_NAME.match(text) or len(text) > 80:
        return None
    path = _TAXONOMY_PATH.match(text)
    if path:
        text = path.group("name")
    return _SORT_KEY.sub("", text).strip(" #,;") or None


# A CMS's sort key in front of a tag: "(1) Free articles".
_SORT_KEY = re.compile(r"^\(\d{1,2}\)\s+")


# --- bylines -------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _by_prefix(words: Words) -> re.Pattern[str]:
    """The byline prefix of ``words``: ``By``, ``Written by``, ``بقلم:``..., with what follows it.

    Also the forms pages produce when a "By" label and the name are separate elements: ``By``
    glued to the name (``ByJane Doe``, only before a capitalized word: ``Byron`` is a name) and
    a doubled prefix (``Byby Jane Doe``, ``By by Jane Doe``).
    """
    lead_ins = "|".join(map(re.escape, words.byline_lead_ins))
    prefixes = "|".join(map(re.escape, words.byline_prefixes))
    return re.compile(
        rf"^\s*(?:(?:{lead_ins})\s+)?(?:(?-i:By)(?=by\b))?(?:(?:{prefixes})\b[:\s]*|(?-i:(?:By|BY)(?=[A-Z][a-z])))"
        rf"(?:(?:{prefixes})\b[:\s]*)?",
        re.IGNORECASE,
    )


# Joiners between names: "and" in several languages, commas, semicolons, "&", "|", "·", "、".
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|&|\||·|、|，|\s(?:and|und|og|och|et|y|e|en|i|ve|oraz|és)\s)\s*", re.IGNORECASE)
# Initials or a desk code after a name: "Elena Oberholzer (obe)", "Corina Gall (cog.)".
_INITIALS = re.compile(r"\s*\([a-z]{1,5}\.?\)$")
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_UPDATED = re.compile(r"\b(?:updated|published|posted)\b.*$", re.IGNORECASE)
# Byline prefixes that are also name particles: "Von Miller", "Di Maria", "Af Klint" are names.
_NAME_PARTICLES = frozenset({"Von", "Di", "Af", "Da", "De", "Van"})


def is_byline(value: str | None, words: Words = ENGLISH) -> bool:
    """Whether a short line is a byline: "By ...", "Von ...", "Par ..." (a prefix of ``words``),
    followed by a name: a capital, or a letter of a script without case (``بقلم: محمد``)."""
    text = clean_text(value)
    if not text or len(text) > 150:
        return False
    prefix = _by_prefix(words)
    first = prefix.sub("", text)[:1] if prefix.match(text) else ""
    return first.isupper() or (first.isalpha() and first.lower() == first.upper())


def strip_by(value: str | None, words: Words = ENGLISH) -> str | None:
    """``"By Al Mayadeen English"`` → ``"Al Mayadeen English"`` (the prefixes of ``words``),
    ``"ByJane Doe"`` → ``"Jane Doe"``. A capitalized name particle before a single word is
    the name's own (``"Von Miller"``, ``"Di Maria"`` stay whole); ``"Von Jane Doe"`` is a byline."""
    text = clean_text(value)
    if text is None:
        return None
    match = _by_prefix(words).match(text)
    if match is None:
        return text
    rest = text[match.end() :]
    if match.group(0).strip() in _NAME_PARTICLES and len(rest.split()) == 1:
        return text
    return clean_text(rest)


def split_authors(value: str | None, words: Words = ENGLISH) -> list[str]:
    """One byline string → author names, in order.

    Removes "By", e-mail addresses and trailing "Updated ..." noise, and splits on commas,
    semicolons, "and", "&" and "|": ``"By Jane Doe, John Roe and Ann Poe"`` →
    ``["Jane Doe", "John Roe", "Ann Poe"]``. ``words`` gives the prefixes ("By", "Por", "بقلم").
    """
    text = strip_by(value, words)
    if text is None:
        return []
    text = _UPDATED.sub("", _EMAIL.sub("", text))
    names = (clean_text(_INITIALS.sub("", part.strip()).strip(" .-–—")) for part in _AUTHOR_SPLIT.split(f" {text} "))
    return [name for name in names if name]


# --- labelled lines ------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _source_line(words: Words) -> re.Pattern[str]:
    labels = "|".join(map(re.escape, words.source_labels))
    return re.compile(rf"^\s*(?:{labels})\s*[:：]\s*(.+)$", re.IGNORECASE)


def parse_source(value: str | None, words: Words = ENGLISH) -> str | None:
    """``"Source: TASS"`` → ``"TASS"`` (``"Fuente: EFE"``, ``"المصدر: وكالات"`` with their
    edition's ``words``); a line without the label is taken as the agency."""
    text = clean_text(value)
    if text is None:
        return None
    match = _source_line(words).match(text)
    return clean_text(match.group(1)) if match else text


def is_source_line(value: str | None, words: Words = ENGLISH) -> bool:
    """Whether a line is a "Source: ..." line (a source label of ``words``)."""
    return bool(value and _source_line(words).match(value))


# A k/M suffix scales only when it stands alone: "1.2K Shares", not the M of "4 Min Read".
_COUNT = re.compile(r"(\d+(?:[.,]\d+)*)\s*(?:([kKmM])(?![A-Za-z]))?")


def parse_count(value: str | int | None) -> int | None:
    """``"5 Shares"`` → 5, ``"1.2K Shares"`` → 1200, ``"1,234"`` → 1234, ``"4 Min Read"`` → 4,
    ``"٥ مشاركات"`` → 5 (Eastern Arabic digits)."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    match = _COUNT.search(western_digits(value))
    if match is None:
        return None
    number, suffix = match.groups()
    if suffix:
        scaled = float(number.replace(",", ".")) * (1_000 if suffix in "kK" else 1_000_000)
        return round(scaled)
    return int(number.replace(",", "").replace(".", ""))


def parse_read_time(value: str | int | None, words: Words = ENGLISH) -> int | None:
    """Minutes of a read-time line: ``"4 Min Read"`` → 4; a phrase of ``words`` that means one
    minute without a number (``"دقيقة قراءة"``) → 1."""
    count = parse_count(value)
    if count is None and isinstance(value, str):
        text = (clean_text(value) or "").casefold()
        return 1 if text and text in {phrase.casefold() for phrase in words.read_time_one} else None
    return count


# --- captions ------------------------------------------------------------------------------

# A credit is the last bracketed group of a caption: "... 2023 (AP Photo/Mohammed Dahman)"; one
# without letters is part of the text: "Full video (1:02:45)".
_TRAILING_CREDIT = re.compile(r"^(?P<text>.*?)[\s,;:]*[(\[](?P<credit>[^()\[\]]*[^\W\d_][^()\[\]]*)[)\]]\s*\.?\s*$", re.S)
# A bracketed part of a series is the title's, not a credit: "... Naim Qassem (Parte 2)".
_SERIES_PART = re.compile(
    r"^(?:part|parte|partie|teil|deel|episode|episodio|épisode|folge|chapter|capítulo|chapitre|kapitel|الجزء|الحلقة)"
    r"\s*[\divxlc٠-٩]+$",
    re.IGNORECASE,
)
_CREDIT_LABEL = re.compile(
    r"^(?:(?:photo|image|picture)\s+)?(?:photo|foto|bild|image|picture|credit|credits|source)\s*[:：]\s*", re.I
)


def clean_credit(value: str | None) -> str | None:
    """``"(AP Photo/Mohammed Dahman)"`` → ``"AP Photo/Mohammed Dahman"``; ``"Photo: AFP"``, ``"Foto: AFP"`` → ``"AFP"``."""
    text = clean_text(value)
    if text is None:
        return None
    text = text.strip("()[] ")
    return clean_text(_CREDIT_LABEL.sub("", text))


# A credit introduced by a marker at the end of a caption: "... © dpa | Jens Kalaene",
# "... Credit: Oliver Lane", "... Photo by Jane Doe", "... Foto: AFP", in the languages of the
# news the crawler reads ("Фото: Дмитрий Азаров", "Ảnh: Bệnh viện cung cấp").
_MARKED_CREDIT = re.compile(
    r"^(?P<text>.*?)[\s,;:|—–-]*(?:(?:©|\(c\)|copyright)\s*|\b(?:(?:photo|image|picture)\s+)?(?:photo|foto|bild|image|picture|"
    r"credit|credits|crédit|crédito|quelle|source|fotograf[ií]a|фото|ảnh|kuva|beeld|zdjęcie|isithombe)s?\s*(?:by|:)\s*)"
    r"(?P<credit>[^©]{2,120}?)\s*\.?$",
    re.IGNORECASE | re.S,
)
# A credit in front: "BILD: SN/APA/GEORG HOCHMUTH Ex-Ministerin Raab ...".
_LEADING_CREDIT = re.compile(
    r"^(?i:photo|foto|bild|image|credit)\s*:\s*(?P<credit>(?:\S*/\S*|[A-ZÄÖÜ0-9.\-]{2,})(?:\s+(?:\S*/\S*|[A-ZÄÖÜ0-9.\-]{2,}))*)"
    r"\s+(?P<text>\S.*)$",
    re.S,
)


# A credit after a separator that ends with the word for "photo", as some languages and agencies
# write it after the name: "Kryžius / J. Stacevičiaus / LRT nuotr.", "Ministers arrive / AP Photo".
_SEPARATED_PHOTO_CREDIT = re.compile(
    r"^(?P<text>.+?)\s+[/|]\s+(?P<credit>[^|]*?\S\s+(?:nuotr|nuotrauka|fot|foto|photo|photos)\.?)$", re.IGNORECASE | re.S
)
# A credit after a bar that follows a finished sentence: "... Michael D. Higgins. | Jane Doe/PA
# Images via Getty Images": a few words, no sentence of their own.
_PIPED_CREDIT = re.compile(r"^(?P<text>.*[.!?…])\s+\|\s+(?P<credit>[^|.!?]{2,80})$", re.S)
_PIPED_CREDIT_WORDS = 8


def split_caption(value: str | None) -> tuple[str | None, str | None]:
    """Split a caption into its text and its credit.

    The credit is the final bracketed group (``"... 2023 (AP Photo/Mohammed Dahman)"`` →
    ``("... 2023", "AP Photo/Mohammed Dahman")``), or what follows a credit marker at the end
    (``"... © dpa | Jens Kalaene"``, ``"... Credit: Oliver Lane"``, ``"... Photo by Jane Doe"``),
    or a marked credit in front (``"BILD: SN/APA/X Text"``), or, after a ``/`` or ``|``, one that
    ends with the word for photo (``"Kryžius / J. Stacevičiaus / LRT nuotr."``) or a few words
    after a finished sentence (``"... Higgins. | Jane Doe/PA Images"``). A caption without one
    has no credit.
    The text keeps its own punctuation (``"A crowd in Gaza. (AFP)"`` → ``"A crowd in Gaza."``), as
    :func:`remove_credit` does for a credit marked up apart.
    """
    text = clean_text(value)
    if text is None:
        return None, None
    match = _LEADING_CREDIT.match(text)
    if match:
        return clean_text(match.group("text")), clean_credit(match.group("credit"))
    for pattern in (_TRAILING_CREDIT, _MARKED_CREDIT):
        match = pattern.match(text)
        if match and not (pattern is _TRAILING_CREDIT and _SERIES_PART.match(match.group("credit").strip())):
            caption = clean_text(match.group("text").rstrip(" -–—|,;:"))
            if caption or pattern is _MARKED_CREDIT:  # a marked credit alone is a credit, no caption
                return caption, clean_credit(match.group("credit"))
    match = _SEPARATED_PHOTO_CREDIT.match(text) or _PIPED_CREDIT.match(text)
    if match and len(match.group("credit").split()) <= _PIPED_CREDIT_WORDS:
        return clean_text(match.group("text")), clean_credit(match.group("credit"))
    return text, None


def remove_credit(text: str | None, credit: str | None) -> str | None:
    """Drop a separately marked-up credit from the end of a caption's text, if repeated there."""
    text = clean_text(text)
    if text is None or not credit:
        return text
    for tail in (f"({credit})", f"[{credit}]", credit):
        if text.endswith(tail):
            return clean_text(text[: -len(tail)].rstrip(" -–—|,;:"))
    return text


_LANGUAGE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")


def language_code(value: str | None) -> str | None:
    """``"en-US"``, ``"en_GB"``, ``"EN"`` → ``"en"``; anything that is not a language tag gives ``None``."""
    text = clean_text(value)
    match = _LANGUAGE.match(text) if text else None
    return match.group(1).lower() if match else None


# --- ticker --------------------------------------------------------------------------------

_MAX_ATTRIBUTION = 80


def ticker_attribution(line: str | None) -> str | None:
    """The speaker before the first ``": "`` of a ticker line, if the line has one.

    ``"Al Mayadeen's correspondent: The Lebanese Army ..."`` → ``"Al Mayadeen's correspondent"``.
    A long prefix is a sentence, not a speaker, and gives ``None``.
    """
    text = clean_text(line)
    if text is None or ": " not in text:
        return None
    head = text.split(": ", 1)[0].strip()
    if not head or len(head) > _MAX_ATTRIBUTION:
        return None
    return head


# --- dates ---------------------------------------------------------------------------------

_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
# The site's displayed date: "13 Nov 2023 20:45" (day-first, abbreviated month, 24-hour time).
DISPLAYED_DATE = re.compile(
    rf"\b(?P<day>\d{{1,2}})\s+(?P<month>(?:{_MONTHS})[a-z]*)\.?,?\s+(?P<year>\d{{4}})"
    rf"(?:,?\s+(?P<hour>\d{{1,2}}):(?P<minute>\d{{2}}))?",
    re.IGNORECASE,
)
_ISO_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}")
# Unambiguous time-zone abbreviations that news pages print after a time, as UTC offsets in hours
# (German pages write MEZ/MESZ for CET/CEST). Ambiguous ones (IST, CST in Asia) are left out.
_ZONE_ABBREVIATIONS = {
    name: int(hours * 3600)
    for name, hours in {
        "UTC": 0, "GMT": 0, "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "MEZ": 1, "CEST": 2, "MESZ": 2,
        "EET": 2, "EEST": 3, "MSK": 3, "EST": -5, "EDT": -4, "CDT": -5, "MST": -7, "MDT": -6,
        "PST": -8, "PDT": -7, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11, "SAST": 2,
    }.items()
}  # fmt: skip


def _format(value: datetime, tz: tzinfo | None) -> str:
    if tz is not None:
        value = value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)
    return value.isoformat(timespec="seconds")


def parse_datetime(value: str | None, tz: tzinfo | str | None = "Asia/Beirut") -> str | None:
    """Normalize a timestamp to ISO 8601, in the site's time zone when one is given.

    With ``tz``, an aware value is converted to it (``2023-11-13T18:45:00Z`` →
    ``2023-11-13T20:45:00+02:00`` for Asia/Beirut) and a naive value or a displayed time such
    as ``13 Nov 2023 20:45`` is read as local time there. With ``tz=None`` (a site whose zone is
    unknown) a value keeps the offset it was given, and a naive one stays naive. A date alone
    stays a date (``2023-11-13``). Anything unparseable gives ``None``.
    """
    text = clean_text(value)
    if text is None:
        return None
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    if _ISO_LIKE.match(text):
        if len(text) == 10:
            try:
                return date.fromisoformat(text).isoformat()
            except ValueError:
                return None
        try:
            return _format(datetime.fromisoformat(text.replace("Z", "+00:00")), zone)
        except ValueError:
            pass
    match = DISPLAYED_DATE.search(text)
    if match:
        try:
            day = datetime.strptime(f"{match['day']} {match['month'][:3]} {match['year']}", "%d %b %Y")
        except ValueError:
            return None
        if match["hour"] is None:
            return day.date().isoformat()
        try:
            moment = day.replace(hour=int(match["hour"]), minute=int(match["minute"]))
        except ValueError:
            return None
        return _format(moment, zone)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", dateutil_parser.UnknownTimezoneWarning)
            parsed = dateutil_parser.parse(text, dayfirst=True, fuzzy=False, tzinfos=_ZONE_ABBREVIATIONS)
    except (ValueError, OverflowError):
        return None
    return _format(parsed, zone)


def timed_alternative(chosen: str, later: Iterable[str]) -> str | None:
    """The first of ``later`` candidates that says more of the moment ``chosen`` names (each read
    by :func:`parse_datetime` without a zone), or ``None``.

    A date alone gives way to a time on the same day, one with an offset first
    (``2024-05-30`` → ``2024-05-30T09:15:00+02:00``); a time without an offset to the same
    minute with one (``2024-05-30T09:15:00`` → ``2024-05-30T09:15:00+02:00``). A value with a
    time and an offset is kept.
    """
    moment = parse_datetime(chosen, None)
    if moment is None or len(moment) > _NAIVE_LENGTH:
        return None
    timed: str | None = None
    for value in later:
        other = parse_datetime(value, None)
        if other is None or other[:10] != moment[:10] or len(other) == len(_DAY):
            continue
        if len(other) > _NAIVE_LENGTH and (len(moment) == len(_DAY) or other[11:16] == moment[11:16]):
            return value
        if len(moment) == len(_DAY) and timed is None:
            timed = value
    return timed


_DAY = "2024-05-30"
# An ISO time without an offset, as parse_datetime writes it: "2024-05-30T09:15:00".
_NAIVE_LENGTH = len("2024-05-30T09:15:00")


def displayed_date(value: str | None) -> str | None:
    """The displayed date inside a longer line: ``"Published 13 Nov 2023 20:45"`` → ``"13 Nov 2023 20:45"``."""
    text = clean_text(value)
    if text is None:
        return None
    match = DISPLAYED_DATE.search(text)
    return match.group(0) if match else None


#: Content-type names (JSON-LD types, CMS post types, section words) → the archive's content types.
CONTENT_TYPES: dict[str, ContentType] = {
    "news": "news",
    "newsarticle": "news",
    "article": "article",
    "articles": "article",
    "opinionnewsarticle": "article",
    "analysisnewsarticle": "article",
    "video": "video",
    "videos": "video",
    "videoobject": "video",
    "infograph": "infograph",
    "infographs": "infograph",
    "infographic": "infograph",
    "gallery": "gallery",
    "in pictures": "gallery",
    "imagegallery": "gallery",
    "mediagallery": "gallery",
}


def content_type(value: str | None) -> ContentType | None:
    """``"VideoObject"``, ``"Videos"``, ``"video"`` → ``"video"``; unknown names give ``None``."""
    text = clean_text(value)
    return CONTENT_TYPES.get(text.casefold()) if text else None
