"""Al Mayadeen's editions and the words each speaks: hosts, languages, time zone, site names,
labels, counters, month names, sections and regions (English from the site notes, Arabic and
Spanish from the pages seen of those editions)."""

from __future__ import annotations

from newscrawl import dates
from newscrawl.sites.profile import Edition
from newscrawl.words import ENGLISH, Words

#: The names the English edition appends to titles ("Headline | Al Mayadeen English").
SITE_NAMES = ("Al Mayadeen English", "Al Mayadeen Español", "Al Mayadeen", "الميادين")
#: Displayed times carry no offset; they are Beirut local time.
TIMEZONE = "Asia/Beirut"

_ENGLISH = Words(
    ticker_labels=("Breaking", "Breaking News"),
    region_names=("Africa", "Asia", "Asia-Pacific", "Europe", "Latin America", "MENA", "Palestine", "US & Canada"),
)
_ARABIC = Words(
    source_labels=("المصدر", "مصدر"),
    byline_prefixes=("بقلم", "كتب", "كتبت", *ENGLISH.byline_prefixes),
    shares=("مشاركة", "مشاركات"),
    views=("مشاهدة", "مشاهدات"),
    read_time=("دقائق قراءة", "دقيقة قراءة"),
    read_time_one=("دقيقة قراءة",),
    ticker_labels=("عاجل",),
    months=dates.ARABIC,
    weekdays=dates.ARABIC_WEEKDAYS,
    sections=(
        ("/news/politics", "سياسة"), ("/news/economic", "اقتصاد"), ("/news/sport", "رياضة"),
        ("/news/culture", "ثقافة وفنون"), ("/news/health", "صحة"), ("/news/technology", "تكنولوجيا"),
        ("/articles/opinion", "رأي"), ("/articles/analysis", "تحليل"), ("/tv-reports", "تقارير مصورة"),
    ),
    regions=(
        ("/regions/palestine", "فلسطين"), ("/regions/lebanon", "لبنان"), ("/regions/syria", "سوريا"),
        ("/regions/iraq", "العراق"), ("/regions/yemen", "اليمن"), ("/regions/iran", "إيران"), ("/regions/gulf", "الخليج"),
        ("/regions/egypt", "مصر"), ("/regions/maghreb", "المغرب العربي"), ("/regions/africa", "أفريقيا"),
        ("/regions/asia", "آسيا"), ("/regions/europe", "أوروبا"), ("/regions/latin-america", "أميركا اللاتينية"),
        ("/regions/north-america", "أميركا الشمالية"),
    ),
)  # fmt: skip
_SPANISH = Words(
    source_labels=("fuente", "fuentes"),
    byline_prefixes=ENGLISH.byline_prefixes,
    byline_lead_ins=("escrito", "publicado"),
    shares=("compartido", "compartidos", "compartir"),
    views=("visualización", "visualizaciones", "visualizacion"),
    read_time=("min de lectura", "mins de lectura", "minuto de lectura", "minutos de lectura"),
    ticker_labels=("Última Hora", "Ultima Hora", "Urgente"),
    months=dates.SPANISH,
    weekdays=dates.SPANISH_WEEKDAYS,
    sections=(
        ("/noticias/politica", "Política"), ("/noticias/cultura", "Cultura y Arte"), ("/noticias/deportes", "Deportes"),
        ("/noticias/salud", "Salud"), ("/noticias/tecnologia", "Tecnología"), ("/noticias/medio-ambiente", "Medio Ambiente"),
        ("/articulos", "Artículos"), ("/articulos-exclusivos", "Artículos Exclusivos"), ("/entrevistas", "Entrevistas"),
        ("/a-profundidad", "A Profundidad"),
    ),
    regions=(
        ("/regiones/medio-oriente", "Medio Oriente"), ("/regiones/america-latina", "América Latina"),
        ("/regiones/eeuu-canada", "EE.UU.-Canadá"), ("/regiones/europa", "Europa"), ("/regiones/africa", "África"),
        ("/regiones/asia", "Asia"), ("/regiones/oceania", "Oceanía"),
    ),
)  # fmt: skip

#: The editions, by code.
EDITIONS: dict[str, Edition] = {
    "en": Edition("en", "https://english.almayadeen.net", "en", TIMEZONE, SITE_NAMES, words=_ENGLISH),
    "ar": Edition(
        "ar", "https://www.almayadeen.net", "ar", TIMEZONE, ("قناة الميادين", "الميادين نت", "الميادين"), "rtl", _ARABIC
    ),
    "es": Edition(
        "es", "https://espanol.almayadeen.net", "es", TIMEZONE, ("Red El Mayadeen", "Al Mayadeen Español"), words=_SPANISH
    ),
}
