"""Author names cleaned by named rules, the same for every layer's candidates (site metadata,
JSON-LD, meta tags, ``rel=author``/``itemprop`` and author-classed elements, "By" lines).

Each rule is a small pure function for one way pages write something that is not a name into a
byline, named for what it removes; none knows a publisher. A candidate goes through
:data:`CANDIDATE_RULES` (on the whole string), is split into names by
:func:`newscrawl.processors.split_authors` (which also strips the "By" prefixes of the edition's
words, glued or doubled: ``ByJane Doe``, ``Byby Jane Doe``), and each name goes through
:data:`NAME_RULES`. :func:`clean_layer` then applies the rules that need the page's publisher.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from newscrawl.processors import clean_text, dedupe_casefold, split_authors
from newscrawl.words import ENGLISH, Words

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

# --- rules on a whole candidate, before it is split into names --------------------------------

# "View all posts by Jane Doe", "More from Jane Doe", "Articles by Jane Doe", "Follow Jane Doe".
_ARCHIVE_LINK = re.compile(
    r"^(?:(?:view|see|show|browse|read)\s+(?:all|more)\s+(?:\w+\s+)?(?:by|from)|more\s+(?:\w+\s+)?(?:by|from)|"
    r"(?:all\s+)?(?:posts|articles|stories)\s+(?:by|from)|follow|alle\s+artikel\s+von|mehr\s+von)\s+(?P<name>\S.*)$",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(r"^(?:this|the)\s+(?:author|writer|reporter)\b", re.IGNORECASE)


def archive_link_name(text: str) -> str | None:
    """The name in an author box's link text: ``"View all posts by Jane Doe"``, ``"More from
    Jane Doe"``, ``"Follow Jane Doe"`` → ``"Jane Doe"``; ``"View all articles by this author"``
    names nobody. Author boxes repeat the byline in such links, and pages mark them as authors."""
    match = _ARCHIVE_LINK.match(text)
    if match is None:
        return text
    name = match.group("name")
    return None if _NOT_A_NAME.match(name) else name


# A labelled value that is no byline: "Source: dpa", "Quelle: sid/dpa", "(Image: Getty Images)",
# "Photo: AFP", in the languages of the news the crawler reads.
_LABELLED = re.compile(
    r"^[(\[]?\s*(?:source|sources|quelle|fuente|fonte|bron|kilde|källa|来源|來源|출처|"
    r"image|images|photo|photos|foto|fotos|bild|picture|credit|credits|image\s+credit|photo\s+credit|crédit|crédito)\s*[:：]",
    re.IGNORECASE,
)


def labelled_value(text: str) -> str | None:
    """Drop a source or picture-credit line (``"Quelle: sid/dpa"``, ``"(Image: Getty Images)"``):
    pages put credits and agency lines in author-classed elements and author metas, but the
    label says they name the source of the text or the photo, not its writer."""
    return None if _LABELLED.match(text) else text


# ", in News, Portugal, Business": the sections a post is filed in, after its byline.
_FILED_IN = re.compile(r"\s*,?\s+in\s+[^\W\d_a-z].*$")


def filed_in(text: str) -> str:
    """Cut what follows a lower-case ``in`` after the name: ``"TPN, in News, Portugal"`` (the
    sections a blog theme lists after the author) and ``"Jane Doe in Kyiv"`` (a dateline) →
    ``"TPN"``, ``"Jane Doe"``. Names do not hold a lower-case ``in`` before a capital (``"Sophie
    in 't Veld"`` stays whole)."""
    cut = _FILED_IN.sub("", text)
    return cut if cut.strip() else text


_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# What a date leaves before itself in a byline: "on", "am", "le", "|", "•", ",".
_BEFORE_DATE = re.compile(rf"(?:\s+(?:on|am|le|el|il|op|de))?(?:\s+{_MONTHS})?[\s|•·,–—-]*$", re.IGNORECASE)
# A digit that starts a word: "BR24" is a name's, "24 April" a date's.
_FIRST_DIGIT = re.compile(r"(?<!\w)\d")


def trailing_date(text: str) -> str:
    """Cut a date and time after the names: ``"By Simone M. Scully December 11, 2023"``,
    ``"by Ilanga D | 5 November 2024"``, ``"Jane Doe on Dec 21, 2023 at 3:53PM"`` → the part
    before it. Names hold no digits, so the first digit starts what is no name; a month name just
    before it goes with it."""
    match = _FIRST_DIGIT.search(text)
    if match is None:
        return text
    head = _BEFORE_DATE.sub("", text[: match.start()])
    return head if any(ch.isalpha() for ch in head) else text


# A slash between two capitalized names: "Mathatisi Sebusi/Mohalenyane Phakela", "Jane Doe / TNN".
_SLASH = re.compile(r"(?<=[^\W\d_])\s*/\s*(?=[^\W\d_a-z])")


def names_apart(text: str) -> str:
    """``"Jane Doe/John Roe"``, ``"Jane Doe / TNN /"`` → names apart (a comma between them): a
    slash joins names and wire agencies in bylines. Not in URLs, nor before a lower-case code
    (``"srf/hosb"``, ``"Jörg Carstensen/dpa"`` stay as written)."""
    if "://" in text or "/" not in text:
        return text
    return _SLASH.sub(", ", text).rstrip(" /")


#: Rules on a whole candidate, in order.
CANDIDATE_RULES: tuple[Callable[[str], str | None], ...] = (labelled_value, archive_link_name, filed_in, trailing_date)


# --- rules on one name ------------------------------------------------------------------------

_ADDRESS = re.compile(r"(?:^|\s)(?:/?@[\w.]+|https?://\S+|www\.\S+|\S+\.(?:com|net|org)/\S*)(?=\s|$)", re.IGNORECASE)


def web_address(name: str) -> str | None:
    """Drop profile handles and URLs (``"@janedoe"``, ``"/@jane"``, ``"https://x.com/jane"``)
    from a name; a name that is only one is none. Author metas and boxes often hold the
    author's profile link instead of, or beside, the name."""
    return clean_text(_ADDRESS.sub(" ", name)) if ("@" in name or "/" in name or "www." in name) else name


# A URL slug: lower-case words joined by hyphens ("emma-mackenzie"); "t-online" is a name.
_SLUG = re.compile(r"^[a-z]{2,}(?:[-_][a-z0-9]{2,})+$")


def url_slug(name: str) -> str | None:
    """Drop a URL slug (``"emma-mackenzie"``): the author's profile path, not the name as shown."""
    return None if _SLUG.match(name) else name


# A bracketed code or qualifier after the name: "(cog.)", "(www.dw.com)", "(Reuters)".
_BRACKETED = re.compile(r"^(?P<name>[^()\[\]]*[^\s(\[])\s*[(\[][^()\[\]]*[)\]]$")


def bracketed_suffix(name: str) -> str | None:
    """``"Corina Gall (cog.)"``, ``"Deutsche Welle (www.dw.com)"`` → the name before the
    brackets: a desk code, a domain or an agency in brackets qualifies the name, it is not one."""
    match = _BRACKETED.match(name)
    return match.group("name") if match else name


#: Nouns of job titles and desks, in the languages of the news the crawler reads.
JOB_NOUNS = frozenset(
    (
        "reporter", "reporters", "writer", "writers", "editor", "editors", "correspondent", "correspondents",
        "columnist", "columnists", "contributor", "contributors", "journalist", "journalists", "producer", "producers",
        "photographer", "photographers", "photojournalist", "analyst", "critic", "intern", "staff", "desk", "newsdesk",
        "anchor", "presenter", "host", "blogger", "redakteur", "redakteurin", "korrespondent", "korrespondentin",
        "reporterin", "journalistin", "autorin", "kolumnist", "kolumnistin", "corresponsal", "redactor", "redactora",
        "periodista", "journaliste", "rédacteur", "rédactrice", "chroniqueur", "chroniqueuse", "redattore",
        "redattrice", "inviato", "inviata", "giornalista", "verslaggever", "redacteur", "correspondente", "repórter",
        "jurnalis", "wartawan", "muhabir",
    )
)  # fmt: skip
#: Words that qualify a job noun in a title ("Senior Business Writer", "Chief Political Correspondent").
TITLE_WORDS = frozenset(
    (
        "senior", "junior", "chief", "deputy", "associate", "assistant", "managing", "executive", "contributing",
        "special", "staff", "political", "business", "money", "news", "sports", "sport", "culture", "science", "tech",
        "technology", "health", "foreign", "national", "international", "digital", "web", "online", "local", "city",
        "metro", "breaking", "investigative", "economics", "economic", "finance", "financial", "opinion", "features",
        "feature", "lifestyle", "entertainment", "travel", "food", "fashion", "weather", "education", "politics",
        "legal", "crime", "court", "editorial", "general", "freelance", "and", "&", "of", "the",
    )
)  # fmt: skip


def _title_start(words: list[str]) -> int | None:
    """Where a trailing job title starts in a name's words (``None``: it ends in no job noun)."""
    if not words or words[-1].casefold().strip(".,") not in JOB_NOUNS:
        return None
    start = len(words) - 1
    while start > 0 and (words[start - 1].casefold() in JOB_NOUNS or words[start - 1].casefold() in TITLE_WORDS):
        start -= 1
    return start


def job_title(name: str) -> str | None:
    """Drop a job title or desk taken as a name: ``"Senior Business Writer"``, ``"Political
    Correspondent"``, ``"Staff Reporter"``, ``"News Desk"`` → nothing; ``"Jane Doe Staff Writer"``
    → ``"Jane Doe"``. A title ends in a job noun, with the title words before it. One other word
    before a title makes a collective byline (``"Slate Staff"``, ``"Guardian staff reporter"``),
    kept here: :func:`clean_layer` drops it beside people (``"Cam E. Kettles, Crimson Staff Writer"``)."""
    words = name.split()
    start = _title_start(words)
    if start is None or start == 1:
        return name
    return " ".join(words[:start]) if start else None


def is_collective(name: str) -> bool:
    """Whether a name is a collective byline: one word and a job title (``"Slate Staff"``,
    ``"Crimson Staff Writer"``)."""
    return _title_start(name.split()) == 1


# The reporter's title after the name in Korean, Japanese and Chinese bylines: "신현주 기자".
_CJK_REPORTER = re.compile(r"\s*(?:기자|특파원|記者|记者|特派員|特派员)$")


def reporter_suffix(name: str) -> str | None:
    """``"신현주 기자"`` → ``"신현주"``: the title written after the name, as Korean, Japanese and
    Chinese bylines do ("reporter", "correspondent")."""
    return clean_text(_CJK_REPORTER.sub("", name))


#: Texts of author boxes and byline widgets, which pages mark up inside author elements: follow
#: buttons, labels, disclosure tags, profile links. Case-folded.
WIDGET_TEXTS = frozenset(
    (
        "follow", "folgen", "suivre", "seguir", "segui", "volgen", "følg", "följ", "フォロー", "フォローする",
        "author", "authors", "autor", "autorin", "autoren", "auteur", "auteurs", "autore", "by", "von", "par", "por",
        "sponsored", "advertorial", "anzeige", "werbung", "partner content", "in partnership with",
        "about the author", "über den autor", "more from", "view author archive", "get author rss feed", "rss",
        "email", "e-mail", "contact", "kontakt", "profile", "view profile", "bio", "twitter", "facebook", "linkedin",
        "instagram", "x", "この記事の筆者", "筆者", "著者", "作者",
    )
)  # fmt: skip


def widget_text(name: str) -> str | None:
    """Drop an author box's or byline widget's own text (``"Follow"``, ``"Get author RSS feed"``,
    ``"Sponsored"``, ``"フォロー"``, ``"この記事の筆者"``): a label or link of the box, not a name."""
    return None if name.casefold().strip(" .:|") in WIDGET_TEXTS else name


#: Rules on one name, in order.
NAME_RULES: tuple[Callable[[str], str | None], ...] = (
    web_address,
    url_slug,
    bracketed_suffix,
    reporter_suffix,
    widget_text,
    job_title,
)


# --- names and organizations ------------------------------------------------------------------

_DOMAIN = re.compile(r"\b[\w-]+\.(?:com|net|org|de|at|ch|fr|it|es|lt|tr|uk|co|info|news|tv)\b|\(www\.", re.IGNORECASE)


def looks_like_name(name: str) -> bool:
    """Whether a byline part can be a name: letters, no digits, one to six words."""
    return (
        any(ch.isalpha() for ch in name) and not any(ch.isdigit() for ch in name) and len(name.split()) <= 6 and len(name) <= 60
    )


def publisher_names(names: Iterable[str]) -> frozenset[str]:
    """The page's names for its publisher (``og:site_name``, the JSON-LD publisher...), case-folded,
    with their initials (``"Legal Tribune Online"`` → ``"lto"``): bylines name a publisher by
    its initials too."""
    found: set[str] = set()
    for raw in names:
        name = (clean_text(raw) or "").casefold()
        if not name:
            continue
        found.add(name)
        words = [w for w in re.split(r"[\s\-]+", name) if w[:1].isalpha()]
        if len(words) >= 3:
            found.add("".join(w[0] for w in words))
    return frozenset(found)


def is_organization(name: str, publisher: Iterable[str]) -> bool:
    """Whether an author name is the publisher itself: one of its names (or its initials), a
    name holding one of them (``"MDR THÜRINGEN"`` for ``MDR``), or a domain."""
    key = name.casefold()
    words = set(re.split(r"[\s,.|/]+", key))
    return bool(_DOMAIN.search(name)) or any(
        key == p or (len(p) >= 4 and (key in p or p in key)) or (len(p) >= 3 and p in words) for p in publisher
    )


def clean_name(name: str) -> str | None:
    """One name through :data:`NAME_RULES`; ``None`` when a rule finds no name in it."""
    text: str | None = name
    for rule in NAME_RULES:
        if text is None:
            return None
        text = rule(text)
    return text if text and looks_like_name(text) else None


def clean_candidate(raw: str, publisher: frozenset[str] = frozenset(), words: Words = ENGLISH) -> list[str]:
    """One candidate (a byline, a meta value, an element's text) → the names in it.

    The publisher's address is no list of people: a candidate whose first name is the publisher
    (``"hessenschau.de, Frankfurt, Germany"``) names only the publisher.
    """
    text: str | None = clean_text(raw)
    for rule in CANDIDATE_RULES:
        if text is None:
            return []
        text = rule(text)
    if text is None:
        return []
    names = [n for part in split_authors(names_apart(text), words) if (n := clean_name(part))]
    if len(names) > 1 and is_organization(names[0], publisher):
        return names[:1]
    return names


def clean_layer(raws: Iterable[str], publisher: frozenset[str] = frozenset(), words: Words = ENGLISH) -> list[str]:
    """A layer's candidates → its author names, each once. The publisher and a collective
    byline beside people are no co-authors: they are dropped where the layer names people too
    (``"Evan Orris, NBA.com"``, ``"Cam E. Kettles, Crimson Staff Writer"``)."""
    names = dedupe_casefold(name for raw in raws for name in clean_candidate(raw, publisher, words))
    people = [name for name in names if not is_organization(name, publisher) and not is_collective(name)]
    return [name for name in names if name in people or not people]
