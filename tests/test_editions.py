"""The Arabic and Spanish editions' words, as the generic layers and the loaders read them: source
lines, bylines, counters, dates, URL shapes and menu regions, with strings of the real pages."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timezone
from typing import Any

import pytest

from newscrawl import processors as p
from newscrawl.extract.bylines import counter_pattern
from newscrawl.extract.document import Page
from newscrawl.extract.newspage import NewsPage
from newscrawl.extraction import site_context
from newscrawl.loaders import LoadContext, load_article
from newscrawl.record.reextraction import fetch_time
from newscrawl.sites.almayadeen import urls
from newscrawl.sites.almayadeen.editions import EDITIONS
from newscrawl.sites.almayadeen.page import ArticlePage, menu_links
from newscrawl.sites.almayadeen.profile import PROFILE
from newscrawl.sites.profile import PageContext
from newscrawl.warc import Exchange
from newscrawl.words import ENGLISH

AR, ES, EN = EDITIONS["ar"], EDITIONS["es"], EDITIONS["en"]
AR_ORIGIN, ES_ORIGIN = AR.origin, ES.origin


@pytest.mark.parametrize(
    ("line", "edition", "source"),
    [
        ("Fuente: Exclusivo Al Mayadeen", ES, "Exclusivo Al Mayadeen"),
        ("fuente : EFE", ES, "EFE"),
        ("المصدر: وكالات", AR, "وكالات"),
        ("المصدر : الميادين نت", AR, "الميادين نت"),
        ("Source: TASS", EN, "TASS"),
    ],
)
def test_source_line_in_the_edition_s_words(line: str, edition: Any, source: str) -> None:
    assert p.is_source_line(line, edition.words)
    assert p.parse_source(line, edition.words) == source
    # another edition's label is no source line there
    other = EN if edition is not EN else ES
    assert not p.is_source_line(line, other.words)


@pytest.mark.parametrize(
    ("line", "edition", "is_byline", "authors"),
    [
        ("Por Ghassan Ben Jeddou", ES, True, ["Ghassan Ben Jeddou"]),
        ("Por Ana Pérez y Luis Gómez", ES, True, ["Ana Pérez", "Luis Gómez"]),
        ("بقلم: علي حيدر", AR, True, ["علي حيدر"]),
        ("كتب: محمد فرج", AR, True, ["محمد فرج"]),
        ("بقلم علي حيدر", AR, True, ["علي حيدر"]),
        ("علي حيدر", AR, False, ["علي حيدر"]),  # a bare name: no byline line, but a name
        ("By Al Mayadeen English", EN, True, ["Al Mayadeen English"]),
    ],
)
def test_byline_in_the_edition_s_words(line: str, edition: Any, is_byline: bool, authors: list[str]) -> None:
    assert p.is_byline(line, edition.words) is is_byline
    assert p.split_authors(line, edition.words) == authors


def test_english_words_leave_an_arabic_byline_prefix_in_place() -> None:
    assert not p.is_byline("بقلم: علي حيدر", ENGLISH)
    assert p.split_authors("بقلم: علي حيدر", ENGLISH) == ["بقلم: علي حيدر"]


@pytest.mark.parametrize(
    ("line", "edition", "kind", "count"),
    [
        ("20 Visualizaciones", ES, "views", 20),
        ("1 Visualización", ES, "views", 1),
        ("4 Min de lectura", ES, "read_time", 4),
        ("٥ مشاركات", AR, "shares", 5),
        ("1 مشاركة", AR, "shares", 1),
        ("120 مشاهدة", AR, "views", 120),
        ("١٢٠ مشاهدات", AR, "views", 120),
        ("4 دقائق قراءة", AR, "read_time", 4),
        ("٤ دقائق قراءة", AR, "read_time", 4),
        ("دقيقة قراءة", AR, "read_time", 1),
        ("5 Shares", EN, "shares", 5),
        ("4 Min Read", EN, "read_time", 4),
    ],
)
def test_counters_in_the_edition_s_words(line: str, edition: Any, kind: str, count: int) -> None:
    pattern = counter_pattern(edition.words, kind)
    assert pattern is not None
    assert pattern.match(line)
    read = p.parse_read_time(line, edition.words) if kind == "read_time" else p.parse_count(line)
    assert read == count


def test_english_shows_no_view_counter_and_no_arabic_counter() -> None:
    assert counter_pattern(EN.words, "views") is None
    shares = counter_pattern(EN.words, "shares")
    assert shares is not None
    assert not shares.match("٥ مشاركات")


@pytest.mark.parametrize(
    ("url", "kind", "post_id", "hint", "content_type"),
    [
        (f"{ES_ORIGIN}/entrevistas/2046797/hizbullah-tras-el-martirio-de-sayyed-hassan-nasrallah--diálo", "article",
         "2046797", "Entrevistas", "article"),
        (f"{ES_ORIGIN}/noticias/politica/2046800/venezuela-denuncia", "article", "2046800", "Política", "news"),
        (f"{ES_ORIGIN}/articulos-exclusivos/2046801/la-guerra", "article", "2046801", "Artículos Exclusivos", "article"),
        (f"{ES_ORIGIN}/noticias/medio-ambiente", "listing", None, None, "news"),
        (f"{ES_ORIGIN}/entrevistas", "listing", None, None, "article"),
        (f"{ES_ORIGIN}/a-profundidad", "listing", None, None, "article"),
        (f"{ES_ORIGIN}/regiones/eeuu-canada", "listing", None, None, None),
        (f"{ES_ORIGIN}/regiones/america-latina?page=2", "listing", None, None, None),
        (f"{ES_ORIGIN}/etiquetas/siria", None, None, None, None),
        (f"{AR_ORIGIN}/news/politics/%D8%B9%D8%A7%D8%AC%D9%84", "article", None, "سياسة", "news"),
        (f"{AR_ORIGIN}/tv-reports/%D8%BA%D8%B2%D8%A9", "article", None, "تقارير مصورة", "video"),
        (f"{AR_ORIGIN}/video/غزة", "article", None, "Video", "video"),
        (f"{AR_ORIGIN}/newscast/2024/5/30/نشرة-الأخبار", "article", None, None, "video"),
        (f"{AR_ORIGIN}/news/economic", "listing", None, None, "news"),
        (f"{AR_ORIGIN}/articles/opinion", "listing", None, None, "article"),
        (f"{AR_ORIGIN}/regions/latin-america", "listing", None, None, None),
        (f"{AR_ORIGIN}/tv-reports", "listing", None, None, "video"),
    ],
)  # fmt: skip
def test_url_shapes(url: str, kind: str | None, post_id: str | None, hint: str | None, content_type: str | None) -> None:
    edition = PROFILE.edition_for_host(url.split("/")[2])
    assert edition is not None
    assert PROFILE.page_kind(url) == kind
    assert urls.post_id_of(url) == post_id
    assert PROFILE.content_type_of(url) == content_type
    if hint is not None:
        assert PROFILE.section_hint(url, dict(edition.words.sections)) == hint


@pytest.mark.parametrize(
    ("listing", "url", "pagination"),
    [
        (f"{ES_ORIGIN}/entrevistas", f"{ES_ORIGIN}/entrevistas?page=2", True),
        (f"{ES_ORIGIN}/regiones/europa", f"{ES_ORIGIN}/regiones/europa/page/3", True),
        (f"{ES_ORIGIN}/entrevistas", f"{ES_ORIGIN}/entrevistas/2046797/hizbullah-tras-el-martirio", False),
        (f"{AR_ORIGIN}/news/sport", f"{AR_ORIGIN}/news/sport?page=2", True),
    ],
)
def test_pagination(listing: str, url: str, pagination: bool) -> None:
    assert PROFILE.is_pagination(url, listing) is pagination


def _menu(edition: Any) -> list[tuple[str, bool]]:
    items = "".join(f'<li><a href="{path}">{label}</a></li>' for path, label in (*edition.words.sections, *edition.words.regions))
    # regions listed under the sections, in the same menu box, at paths that do not say "region"
    extra = '<li><a href="/medio-oriente">Medio Oriente</a></li><li><a href="/palestine">فلسطين</a></li>'
    page = Page.from_html(f"<html><body><nav><ul>{items}{extra}</ul></nav></body></html>", f"{edition.origin}/")
    return [(link.label, link.is_region) for link in menu_links(page, edition)]


def test_menu_regions_in_each_edition_s_words() -> None:
    es = dict(_menu(ES))
    assert [label for label, region in es.items() if region] == [
        "Medio Oriente", "América Latina", "EE.UU.-Canadá", "Europa", "África", "Asia", "Oceanía",
    ]  # fmt: skip
    assert es["Entrevistas"] is False
    ar = dict(_menu(AR))
    # the Spanish region at a path that does not say so is no Arabic region
    assert [label for label, region in ar.items() if not region] == [*(label for _, label in AR.words.sections), "Medio Oriente"]
    assert ar["فلسطين"] is True
    # English words do not know "Medio Oriente"
    en = menu_links(Page.from_html('<nav><a href="/medio-oriente">Medio Oriente</a></nav>', f"{ES_ORIGIN}/"), EN)
    assert [(m.label, m.is_region) for m in en] == [("Medio Oriente", False)]


ES_URL = f"{ES_ORIGIN}/entrevistas/2046797/hizbullah-tras-el-martirio-de-sayyed-hassan-nasrallah--diálo"
# The seen Spanish page's header (../shared/seed/almayadeen-es-article-page-excerpt.txt), in a plausible markup.
ES_PAGE = """<html lang="es"><head><title>Hizbullah tras el martirio | Red El Mayadeen</title></head><body>
<h1>Hizbullah tras el martirio de Sayyed Hassan Nasrallah. Diálogo exclusivo con Sheikh Naim Qassem (Parte 2)</h1>
<ul class="post-info"><li>Por Ghassan Ben Jeddou</li><li>Fuente: Exclusivo Al Mayadeen</li><li>23 Julio 19:20</li>
<li>20 Visualizaciones</li><li>4 Min de lectura</li></ul>
<p class="lg_para summary">Secretario General de Hizbullah de Líbano, Sheikh Naim Qassem, ofreció una entrevista a Al Mayadeen
el pasado 11 de junio de 2025 que reproducimos en tres partes.</p>
<div class="p-content"><p>Primera pregunta de la entrevista, larga como un párrafo de verdad en la página del artículo.</p>
<p>Segunda respuesta del secretario general, también con el largo de un párrafo de verdad.</p></div>
</body></html>"""
AR_URL = f"{AR_ORIGIN}/news/politics/%D8%B9%D8%A7%D8%AC%D9%84-%D8%BA%D8%B2%D8%A9"
AR_PAGE = """<html lang="ar" dir="rtl"><head><title>عنوان الخبر | الميادين نت</title></head><body>
<h1>عنوان الخبر عن غزة</h1>
<ul><li>بقلم: علي حيدر</li><li>المصدر: وكالات</li><li>الخميس، ٣٠ أيار ٢٠٢٤ ٢٣:٤٩</li><li>٥ مشاركات</li>
<li>١٢٠ مشاهدة</li><li>دقيقة قراءة</li></ul>
<div class="p-content"><p>الفقرة الأولى من نص الخبر، وهي طويلة بما يكفي لتكون فقرة حقيقية في الصفحة.</p>
<p>الفقرة الثانية من نص الخبر، وهي أيضاً طويلة بما يكفي لتكون فقرة حقيقية.</p></div>
</body></html>"""


def _article(html: str, url: str, edition: Any, fetched: datetime) -> dict[str, Any]:
    page = PROFILE.article_page(Page.from_html(html, url), PageContext(edition=edition))
    assert isinstance(page, ArticlePage)
    context = LoadContext.for_edition(edition)
    context = LoadContext(context.hosts, context.edition, context.timezone, context.site_names, context.words, fetched)
    return asdict(load_article(page, context))


def test_a_spanish_article_in_its_words() -> None:
    item = _article(ES_PAGE, ES_URL, ES, datetime(2026, 1, 10, tzinfo=timezone.utc))
    assert (item["authors"], item["source"], item["post_id"]) == (["Ghassan Ben Jeddou"], "Exclusivo Al Mayadeen", "2046797")
    # no year shown, none in metadata: the latest 23 July before the fetch
    assert (item["published_raw"], item["published_at"]) == ("23 Julio 19:20", "2025-07-23T19:20:00+03:00")
    assert (item["view_count"], item["share_count"], item["read_time_min"]) == (20, None, 4)
    assert (item["edition"], item["language"], item["content_type"]) == ("es", "es", "article")


def test_a_spanish_date_takes_its_year_from_the_metadata() -> None:
    html = ES_PAGE.replace("<head>", '<head><meta property="article:modified_time" content="2023-07-24T08:00:00+03:00">')
    item = _article(html, ES_URL, ES, datetime(2026, 1, 10, tzinfo=timezone.utc))
    assert item["published_at"] == "2023-07-23T19:20:00+03:00"


def test_an_arabic_article_in_its_words() -> None:
    item = _article(AR_PAGE, AR_URL, AR, datetime(2026, 1, 10, tzinfo=timezone.utc))
    assert (item["authors"], item["source"], item["headline"]) == (["علي حيدر"], "وكالات", "عنوان الخبر عن غزة")
    assert (item["published_raw"], item["published_at"]) == ("الخميس، ٣٠ أيار ٢٠٢٤ ٢٣:٤٩", "2024-05-30T23:49:00+03:00")
    assert (item["share_count"], item["view_count"], item["read_time_min"]) == (5, 120, 1)
    assert item["post_id"] is None  # an Arabic URL carries no id


CRAWLED = datetime(2026, 1, 10, 8, 0, 3, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("headers", "fetched_at", "expected"),
    [
        ([("Date", "Sat, 10 Jan 2026 08:00:00 GMT")], CRAWLED, datetime(2026, 1, 10, 8, tzinfo=timezone.utc)),
        # without a Date the crawl read it against its clock: the capture's time
        ([("content-type", "text/html")], CRAWLED, CRAWLED),
        ([("date", "not a date")], CRAWLED, CRAWLED),
        ([("content-type", "text/html")], None, None),
    ],
)
def test_a_kept_page_is_read_against_its_fetch_time(
    headers: list[tuple[str, str]], fetched_at: datetime | None, expected: datetime | None
) -> None:
    exchange = Exchange(url=ES_URL, status=200, headers=headers, body=b"")
    assert fetch_time(exchange, fetched_at) == expected


EN_URL = f"{EN.origin}/news/politics/yemen-strikes-a-ship-in-the-red-sea"
ES_STORY = f"{ES_ORIGIN}/noticias/politica/2046502/yemen-anuncia-un-nuevo-ataque"
AR_STORY = f"{AR_ORIGIN}/news/politics/%D8%A7%D9%84%D9%82%D9%88%D8%A7%D8%AA"


@pytest.mark.parametrize(
    ("rule", "head", "body", "expected"),
    [
        ("an hreflang alternate", f'<link rel="alternate" hreflang="es" href="{ES_STORY}">', "", [ES_STORY]),
        (
            "its own language and x-default left out",
            f'<link rel="alternate" hreflang="en" href="{EN_URL}"><link rel="alternate" hreflang="x-default" href="{EN_URL}">',
            "",
            [],
        ),
        ("a language link with hreflang", "", f'<a href="{AR_STORY}" hreflang="ar">Ar</a>', [AR_STORY]),
        (
            "a plain link to a sister edition's host",
            "",
            f'<ul class="lang"><li><a href="{AR_STORY}">Ar</a></li></ul>',
            [AR_STORY],
        ),
        (
            "an edition's homepage says nothing of the article",
            "",
            f'<a href="{ES_ORIGIN}/">Es</a><a href="{AR_ORIGIN}">Ar</a>',
            [],
        ),
        (
            "both signals give one link",
            f'<link rel="alternate" hreflang="es" href="{ES_STORY}">',
            f'<a href="{ES_STORY}" hreflang="es">Es</a>',
            [ES_STORY],
        ),
        ("a link to another site is no edition", "", '<a href="https://x.com/MayadeenEnglish">x</a>', []),
    ],
)
def test_links_to_the_article_in_the_sister_editions(rule: str, head: str, body: str, expected: list[str]) -> None:
    html = f"<html lang='en'><head><title>Yemen strikes a ship</title>{head}</head><body>{body}<h1>Yemen strikes a ship</h1></body></html>"
    page = PROFILE.article_page(Page.from_html(html, EN_URL), PageContext(edition=EN))
    assert isinstance(page, ArticlePage)
    item = load_article(page, LoadContext.for_edition(EN), only=("related",))
    assert [link.url for link in item.related if link.kind == "edition"] == expected


def test_a_generic_page_s_language_versions() -> None:
    html = """<html lang="en-GB"><head><title>Story</title>
<link rel="canonical" href="https://news.example/world/story">
<link rel="alternate" hreflang="en-GB" href="https://news.example/world/story">
<link rel="alternate" hreflang="de" href="https://news.example/de/welt/geschichte">
<link rel="alternate" hreflang="fr" href="https://fr.news.example/monde/histoire"></head>
<body><a href="https://es.news.example/mundo/historia" hreflang="es">ES</a>
<a href="https://corporate.news.example/en/about" hreflang="en">About us</a><h1>Story</h1></body></html>"""
    page = NewsPage(Page.from_html(html, "https://news.example/world/story"))
    item = load_article(page, site_context("https://news.example"), only=("related",))
    # its alternates only: an a[hreflang] may lead anywhere in another language
    assert [(link.url, link.kind) for link in item.related] == [
        ("https://news.example/de/welt/geschichte", "edition"),
        ("https://fr.news.example/monde/histoire", "edition"),
    ]
