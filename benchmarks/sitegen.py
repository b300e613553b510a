#!/usr/bin/env python3
"""Generate an Al Mayadeen-shaped mirror of any number of articles, deterministically.

Usage (from the repository root)::

    .venv/bin/python benchmarks/sitegen.py --articles 5000 --out /tmp/site            # 5,000 articles
    .venv/bin/python benchmarks/sitegen.py --articles 5000 --extra 50 --out /tmp/site # the same site plus 50 newer ones

or, from Python, ``generate(Path("/tmp/site"), 5000, extra=50)``, which returns a :class:`SiteInfo`
(the listings and their pages, which articles are new, sizes). Serve the folder with
``newscrawl mirror --root DIR`` and crawl it with ``scrapy crawl almayadeen -a base_url=...``.

The pages are rendered by ``fixtures/build.py`` (the bundled mirror's renderer) from generated
``content.Article`` objects: the same chrome (menus, regions, BREAKING ticker), the same
listings (landings, sections, regions, ``/infographs``, ``/in-pictures``, six teasers a page with
a pager), homepage, static pages, ``/live``, robots.txt and sitemaps, and the three article
markups A, B and C. On top of that each page carries what makes real news pages heavy: inline
styles and scripts and, on article pages, a "More News" box of teasers, so that an article page
weighs 80-160 KB of HTML.

Nothing depends on the clock or on unseeded randomness: article ``i`` (0 is the oldest) depends
only on ``(seed, i)``, so the same arguments give byte-identical files, and ``--extra K`` gives
the same site plus ``K`` newer articles: they go on page 1 of their section and region listings
(and of their landing), pushing the older ones down. The pages of the older articles do not
change; listings, the homepage and the sitemaps do. Files of the folder that the site does not
hold are removed, so regenerating in place leaves exactly the site.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
if str(FIXTURES) not in sys.path:
    sys.path.insert(0, str(FIXTURES))

import build  # noqa: E402 - fixtures/build.py, found through the path above
import content  # noqa: E402 - fixtures/content.py
from content import Article, Block, Figure, ReadMore, RelatedBox, Subheading, TickerLine  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

#: The default seed; another seed gives another site of the same shape.
SEED = 2025
#: Publication time of article 0 (Beirut local time); each next one is 35-60 minutes later.
START = datetime(2024, 1, 2, 6, 0)
#: Article page sizes in bytes (each page draws its own target in this range).
ARTICLE_BYTES = (80_000, 160_000)
#: Inline styles and scripts of listings, the homepage and static pages.
CHROME_BYTES = 60_000
#: The file that marks a folder as written by this generator (others are never overwritten).
MARKER = ".sitegen"
#: Teasers in the "More News" box of an article page (older articles).
MORE_NEWS = 24

#: Listing path of an article → weight: how often the site publishes there.
SECTIONS: tuple[tuple[str, int], ...] = (
    ("news/politics", 26), ("news/economy", 6), ("news/sports", 4), ("news/arts-culture", 3), ("news/health", 3),
    ("news/miscellaneous", 3), ("news/technology", 3), ("news/environment", 3),
    ("articles/opinion", 8), ("articles/analysis", 5), ("articles/blog", 2), ("articles/features", 3),
    ("articles/foreign-press", 3), ("articles", 2),
    ("videos/newsfeed", 6), ("videos/video-features", 2), ("videos/explainers", 2), ("videos/tv", 2), ("videos/digital-series", 1),
    ("infographs", 2), ("in-pictures", 3),
)  # fmt: skip
#: Region label (``None``: no region) → weight.
REGIONS: tuple[tuple[str | None, int], ...] = (
    ("Palestine", 25), ("MENA", 25), ("US & Canada", 10), ("Europe", 10), ("Asia", 6), ("Asia-Pacific", 4),
    ("Africa", 6), ("Latin America", 5), (None, 9),
)  # fmt: skip
MARKUPS: tuple[tuple[str, int], ...] = (("A", 19), ("B", 17), ("C", 16))

SUBJECTS = (
    "Gaza health officials", "The UN Security Council", "Yemen's Armed Forces", "Lebanese Resistance fighters", "Iran's Foreign Ministry",
    "The European Commission", "Chinese exporters", "Russian diplomats", "Venezuelan authorities", "South African lawmakers",
    "Aid agencies in Rafah", "Syrian security forces", "Israeli occupation forces", "Hezbollah's Secretary-General",
    "The African Union", "Brazil's president", "Iraqi factions", "US lawmakers", "Palestinian platforms", "Cuban officials",
    "Egyptian mediators", "Qatari negotiators", "The World Food Programme", "Algeria's government", "Indian refiners",
)  # fmt: skip
VERBS = (
    "warn of", "reject", "condemn", "call for", "announce", "deny reports of", "report", "prepare for", "push back against",
    "accuse Washington of", "document", "signal", "confirm", "step up", "question", "welcome", "investigate", "mourn",
)  # fmt: skip
OBJECTS = (
    "new strikes on Khan Younis", "a ceasefire proposal", "shipping restrictions in the Red Sea", "fuel shortages in hospitals",
    "sanctions on oil exports", "talks in Doha", "a famine in northern Gaza", "tariffs on steel", "the border crossings",
    "settler attacks in the West Bank", "drone attacks near the border", "grain deliveries", "an arms embargo",
    "the reconstruction plan", "record heat across the region", "a prisoner exchange", "election results", "a new trade corridor",
    "the closure of aid routes", "the vote at the General Assembly", "cholera outbreaks", "power cuts in Beirut",
)  # fmt: skip
TAILS = (
    "as talks stall", "amid regional tensions", "after a week of escalation", "despite international pressure",
    "ahead of the summit", "as winter approaches", "in a rare statement", "following the latest massacre",
    "as prices climb", "while mediators press on", "for the third day", "under the cover of night", "as aid dwindles",
)  # fmt: skip
CLAUSES = (
    "according to officials who spoke on condition of anonymity",
    "in a statement carried by local media on Tuesday",
    "while humanitarian organizations described the situation as catastrophic",
    "as residents reported heavy bombardment throughout the night",
    "a move analysts said would deepen the crisis",
    "in remarks that drew sharp criticism from neighboring states",
    "even as negotiators met behind closed doors",
    "citing figures compiled by United Nations agencies",
    "adding that the measures would remain in place until further notice",
    "despite repeated calls for restraint from the international community",
    "in what observers called a significant shift in policy",
    "according to a report published by the ministry",
)  # fmt: skip
HEADINGS = ("What comes next", "A pattern of escalation", "The regional picture", "Reactions", "The human cost", "Background")
AUTHORS = (
    "Rania Haddad", "Karim Nasser", "Layla Mansour", "Omar Khalil", "Maya Fares", "Hadi Younes", "Tarek Saad", "Sofia Benitez",
    "Nour El Hajj", "Samir Aoun", "Dana Karam", "Youssef Rahal",
)  # fmt: skip
SOURCES = ("Agencies", "Al Mayadeen", "Al Mayadeen English", "News websites", "TASS", "Reuters", "AFP", "Press TV", "Xinhua")
CREDITS = ("AP", "AFP", "Reuters", "AP Photo", "Al Mayadeen", "Anadolu", "Xinhua", "Getty Images")
TAGS = (
    "Gaza", "Palestine", "Lebanon", "Hezbollah", "Iran", "Yemen", "Red Sea", "US", "Israel", "UN", "Syria", "Iraq", "China",
    "Russia", "Europe", "sanctions", "famine", "ceasefire", "West Bank", "Latin America", "Africa", "oil", "elections",
    "human rights", "refugees", "climate", "trade", "genocide in Gaza", "resistance", "diplomacy",
)  # fmt: skip
COVERAGES = ("War on Gaza", "The Ummah's Martyrs", "Red Sea Operations", "Lebanon Under Fire")


@dataclass(frozen=True)
class SiteInfo:
    """What :func:`generate` wrote: the site's articles, listings and sizes."""

    root: Path
    #: Every article path (``news/politics/<slug>``), oldest first.
    articles: tuple[str, ...]
    #: The ``extra`` newer articles among them (the last ones).
    new: tuple[str, ...]
    #: Listing path → its article paths, newest first (as its pages show them).
    listings: dict[str, tuple[str, ...]]
    page_size: int
    #: Article path → markup (``A``, ``B``, ``C``).
    markups: dict[str, str]
    #: Article path → size of its page in bytes.
    article_bytes: dict[str, int]
    files: int
    total_bytes: int
    seconds: float = field(default=0.0, compare=False)

    def pages(self, listing: str) -> int:
        """How many pages a listing has (an empty one still has its first page)."""
        return max(1, -(-len(self.listings[listing]) // self.page_size))

    def listing_pages_holding(self, paths: Sequence[str]) -> list[tuple[str, int]]:
        """``(listing, page)`` of every listing page past the first that lists one of ``paths``."""
        wanted = set(paths)
        out: list[tuple[str, int]] = []
        for listing, items in sorted(self.listings.items()):
            for page in range(2, self.pages(listing) + 1):
                chunk = items[(page - 1) * self.page_size : page * self.page_size]
                if wanted.intersection(chunk):
                    out.append((listing, page))
        return out

    def url_of(self, path: str) -> str:
        """The archived (canonical) URL of an article path."""
        return f"{content.HOST}/{path}"


# --- Articles ------------------------------------------------------------------------------------


def _pick(rng: random.Random, weighted: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([value for value, _ in weighted], weights=[weight for _, weight in weighted])[0]


def _slug(headline: str) -> str:
    return re.sub(r"[^a-z0-9:]", "-", headline.lower())[:60]


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}, {rng.choice(CLAUSES)}."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))


def _figure(rng: random.Random, place: str) -> Figure:
    caption = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} in {place}"
    credit = rng.choice(CREDITS) if rng.random() < 0.85 else None
    return Figure(caption, credit, credit_parens=rng.random() < 0.3)


def _article(i: int, seed: int, used: set[str], older: Sequence[Article], by_region: dict[str | None, list[str]]) -> Article:
    """Article ``i``: drawn from ``(seed, i)`` only; links only to older articles."""
    rng = random.Random(f"{seed}:{i}")
    listing = _pick(rng, SECTIONS)
    region = _pick(rng, REGIONS)
    markup = _pick(rng, MARKUPS)
    while True:
        headline = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}"
        slug = _slug(headline)
        if slug not in used and len(slug.strip("-")) >= 30:
            break
    used.add(slug)
    when = START + timedelta(minutes=i * 60 - rng.randint(0, 25))
    top = listing.split("/", 1)[0]
    place = region or "the region"
    figures: tuple[Figure, ...] = tuple(_figure(rng, place) for _ in range(rng.randint(4, 6) if top == "in-pictures" else 1))
    body: list[Block] = [_paragraph(rng) for _ in range(rng.randint(7, 14))]
    if len(body) > 8:
        body.insert(len(body) // 2, Subheading(rng.choice(HEADINGS)))
    if older and rng.random() < 0.5:
        body.insert(2, ReadMore(rng.choice(older[-200:]).key))
    if len(older) >= 2 and rng.random() < 0.4:
        picks = rng.sample(older[-200:], 2)
        body.insert(4, RelatedBox((picks[0].key, picks[1].key)))
    if rng.random() < 0.2:
        body.insert(5, _figure(rng, place))
    opinion = top == "articles" and listing not in ("articles/foreign-press",)
    authors = tuple(rng.sample(AUTHORS, 2 if rng.random() < 0.2 else 1)) if opinion else ("Al Mayadeen English",)
    source = None if opinion or rng.random() < 0.3 else rng.choice(SOURCES)
    same_region = by_region.get(region, [])[-4:]
    pool = list(dict.fromkeys([*reversed(same_region), *(a.key for a in reversed(older[-6:]))]))
    read_next = tuple(pool[: 3 if markup == "B" else 4])
    return Article(
        key=f"g{i}",
        path=f"{listing}/{slug}",
        markup=markup,
        headline=headline,
        local=when.strftime("%Y-%m-%d %H:%M"),
        lead=_sentence(rng) if rng.random() < 0.95 or markup != "C" else None,
        body=tuple(body),
        figures=figures,
        authors=authors,
        source=source,
        region=region,
        coverage=rng.choice(COVERAGES) if rng.random() < 0.3 else None,
        tags=tuple(rng.sample(TAGS, rng.randint(3, 6))),
        read_next=read_next,
        video_duration=f"00:{rng.randint(1, 14):02d}:{rng.randint(0, 59):02d}" if top == "videos" else None,
    )


def make_articles(count: int, seed: int = SEED) -> list[Article]:
    """Articles ``0..count-1``, oldest first; the first ``n`` are the same whatever ``count``."""
    articles: list[Article] = []
    used: set[str] = set()
    by_region: dict[str | None, list[str]] = {}
    for i in range(count):
        article = _article(i, seed, used, articles, by_region)
        articles.append(article)
        by_region.setdefault(article.region, []).append(article.key)
    return articles


# --- Heavy pages ---------------------------------------------------------------------------------


def _asset_pool(seed: int, size: int, kind: str) -> str:
    """A long, deterministic stylesheet or script body, sliced per page."""
    rng = random.Random(f"{seed}:{kind}")
    words = ("header", "menu", "item", "card", "teaser", "ticker", "footer", "grid", "media", "title", "btn", "icon", "slider")
    parts: list[str] = []
    length = 0
    while length < size:
        a, b = rng.choice(words), rng.choice(words)
        n = rng.randint(1, 999)
        if kind == "css":
            part = (
                f".{a}-{b}__{n}{{display:flex;margin:{rng.randint(0, 40)}px {rng.randint(0, 40)}px;padding:{rng.randint(0, 24)}px;"
                f"color:#{rng.randint(0, 0xFFFFFF):06x};font-size:{rng.randint(10, 32)}px;line-height:{rng.randint(10, 20) / 10}}}"
            )
        else:
            part = (
                f"function {a}{b.title()}{n}(e,t){{var n=document.querySelectorAll('.{a}-{b}');"
                f"for(var i=0;i<n.length;i++){{n[i].classList.toggle('is-{b}',e>{n})}}return t||{rng.randint(0, 99)}}}"
            )
        parts.append(part)
        length += len(part) + 1
    return "\n".join(parts)


@dataclass
class _Heavy:
    css: str
    js: str

    def head(self, size: int, offset: int) -> str:
        """Inline ``<style>`` and ``<script>`` of about ``size`` bytes, from ``offset`` in the pools."""
        css_size, js_size = size * 11 // 20, size - size * 11 // 20
        css_at, js_at = offset % (len(self.css) - css_size), offset % (len(self.js) - js_size)
        return (
            f'<style id="critical-css">{self.css[css_at : css_at + css_size]}</style>\n'
            f'<script id="app-runtime">{self.js[js_at : js_at + js_size]}</script>\n'
        )


def _with_head(page: str, extra: str) -> str:
    at = page.index("</head>")
    return page[:at] + extra + page[at:]


def _more_news(article_index: int, articles: Sequence[Article]) -> str:
    older = articles[max(0, article_index - MORE_NEWS) : article_index]
    if not older:
        return ""
    teasers = "\n".join(build.listing_teaser(a, absolute=j % 2 == 0) for j, a in enumerate(reversed(older)))
    return f'<aside class="more-news">\n<h2 class="block-title">More News</h2>\n{teasers}\n</aside>\n'


def _article_page(i: int, article: Article, articles: Sequence[Article], *, b_index: int, heavy: _Heavy, target: int) -> str:
    page = build.render_article(article, b_index)
    more = _more_news(i, articles)
    at = page.rindex("<footer")  # the site footer, after the article's own
    page = page[:at] + more + page[at:]
    room = target - len(page.encode()) - 80
    return _with_head(page, heavy.head(room, i * 7919)) if room > 0 else page


# --- Writing -------------------------------------------------------------------------------------


@contextmanager
def _site_content(articles: Sequence[Article], ticker: tuple[TickerLine, ...], most_read: tuple[str, ...]) -> Iterator[None]:
    """``fixtures/build.py`` renders from its module globals: point them at the generated site."""
    names = ("ARTICLES", "BY_KEY", "FACTS", "TICKER", "MOST_READ")
    saved = {name: getattr(build, name) for name in names}
    try:
        vars(build).update(
            ARTICLES=tuple(articles), BY_KEY={a.key: a for a in articles}, TICKER=ticker, MOST_READ=most_read
        )  # fmt: skip
        build.FACTS = {a.key: build.facts_of(a) for a in articles}  # facts_of reads BY_KEY and MOST_READ
        yield
    finally:
        for name, value in saved.items():
            setattr(build, name, value)


def _ticker(base: Sequence[Article]) -> tuple[TickerLine, ...]:
    """The seed page's ten lines; those that link somewhere link to the newest base articles."""
    targets = iter(a.key for a in reversed(base))
    return tuple(TickerLine(line.text, next(targets, None) if line.link else None) for line in content.TICKER)


def generate(out: Path, articles: int, *, extra: int = 0, seed: int = SEED) -> SiteInfo:
    """Write a site of ``articles`` articles plus ``extra`` newer ones into ``out``.

    The site with ``extra=K`` is the site with ``extra=0`` plus ``K`` articles published after
    all the others; chrome (ticker, Most Read) depends on the first ``articles`` only.
    """
    if articles < 1 or extra < 0:
        raise ValueError("articles must be at least 1 and extra at least 0")
    started = time.monotonic()
    out = out.resolve()
    if out.exists() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise FileExistsError(f"{out} is not empty and was not written by sitegen: refusing to overwrite it")
    every = make_articles(articles + extra, seed)
    base = every[:articles]
    most_read = tuple(a.key for a in reversed(base[-60::10]))[:6]
    heavy = _Heavy(_asset_pool(seed, 2 * ARTICLE_BYTES[1], "css"), _asset_pool(seed, 2 * ARTICLE_BYTES[1], "js"))
    written: set[Path] = set()
    total = 0
    article_bytes: dict[str, int] = {}

    def write(name: str, data: str | bytes) -> int:
        nonlocal total
        raw = data.encode() if isinstance(data, str) else data
        target = out / name
        if not (target.is_file() and target.stat().st_size == len(raw) and target.read_bytes() == raw):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(raw)  # regenerating in place rewrites only the pages that changed
        written.add(target)
        total += len(raw)
        return len(raw)

    write(MARKER, f"sitegen articles={articles} extra={extra} seed={seed}\n")
    with _site_content(every, _ticker(base), most_read):
        write("index.html", _with_head(build.render_home(), heavy.head(CHROME_BYTES, 1)))
        write("robots.txt", build.robots())
        write("live/index.html", _with_head(build.render_live(), heavy.head(CHROME_BYTES, 2)))
        for name, text in build.sitemaps().items():
            write(name, text)
        for path, title, paragraphs in content.STATIC_PAGES:
            write(build.site_file(path), _with_head(build.render_static(path, title, paragraphs), heavy.head(CHROME_BYTES, 3)))
        listings = build.listings()
        for listing in listings:
            pages = max(1, -(-len(listing.articles) // build.PAGE_SIZE))
            for page in range(1, pages + 1):
                html = build.render_listing(listing, page, pages)
                write(
                    build.site_file(listing.path, f"page={page}" if page > 1 else ""),
                    _with_head(html, heavy.head(CHROME_BYTES, page)),
                )
        b_pages = 0  # B pages alternate @graph and bare JSON-LD, in publication order
        for i, article in enumerate(every):
            target = random.Random(f"{seed}:{i}:size").randint(*ARTICLE_BYTES)
            html = _article_page(i, article, every, b_index=b_pages, heavy=heavy, target=target)
            b_pages += article.markup == "B"
            article_bytes[article.path] = write(build.site_file(article.path), html)
    for folder, _, names in os.walk(out, topdown=False):
        for name in names:
            if Path(folder, name) not in written:
                Path(folder, name).unlink()
        if not os.listdir(folder) and Path(folder) != out:
            os.rmdir(folder)
    return SiteInfo(
        root=out,
        articles=tuple(a.path for a in every),
        new=tuple(a.path for a in every[articles:]),
        listings={listing.path: tuple(a.path for a in listing.articles) for listing in listings},
        page_size=build.PAGE_SIZE,
        markups={a.path: a.markup for a in every},
        article_bytes=article_bytes,
        files=len(written),
        total_bytes=total,
        seconds=time.monotonic() - started,
    )


def describe(info: SiteInfo) -> str:
    """A few lines on what was generated."""
    sizes = sorted(info.article_bytes.values())
    pages = {listing: info.pages(listing) for listing in info.listings}
    markups = Counter(info.markups.values())
    biggest = sorted(pages.items(), key=lambda item: (-item[1], item[0]))[:5]
    return "\n".join(
        [
            f"{len(info.articles)} articles ({len(info.new)} new) in {info.root}: {info.files} files, "
            f"{info.total_bytes / 1e6:.1f} MB, generated in {info.seconds:.1f} s",
            f"article pages: {sizes[0] / 1000:.0f}-{sizes[-1] / 1000:.0f} KB, mean {sum(sizes) / len(sizes) / 1000:.0f} KB; "
            f"markups {', '.join(f'{m} {markups[m]}' for m in sorted(markups))}",
            f"{len(pages)} listings, {sum(pages.values())} listing pages ({info.page_size} teasers a page); the longest: "
            + ", ".join(f"/{listing} {n}" for listing, n in biggest),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=5000, help="articles of the site (default 5000)")
    parser.add_argument("--extra", type=int, default=0, help="newer articles on top of them (default 0)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"seed of the generator (default {SEED})")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (files it does not hold are removed)")
    args = parser.parse_args(argv)
    info = generate(args.out, args.articles, extra=args.extra, seed=args.seed)
    print(describe(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
