"""The Al Mayadeen profile: its editions, URL shapes, menus, ticker and article layers as one
:class:`~newscrawl.sites.profile.SiteProfile`."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from newscrawl.sites.almayadeen import page as pages
from newscrawl.sites.almayadeen import urls
from newscrawl.sites.almayadeen.editions import EDITIONS
from newscrawl.sites.profile import NO_CONTEXT, PageContext, SiteProfile

if TYPE_CHECKING:
    from newscrawl.extract.document import Page
    from newscrawl.sites.profile import Edition, MenuLink, PageKind, TickerLine


class AlMayadeen(SiteProfile):
    """Al Mayadeen (english.almayadeen.net, www.almayadeen.net, espanol.almayadeen.net)."""

    name = "almayadeen"
    editions = EDITIONS
    default_edition = "en"
    sitemap_index = urls.SITEMAP_INDEX
    has_ticker = True

    def page_kind(self, url: str) -> PageKind | None:
        return cast("PageKind | None", urls.page_kind(url))

    def content_type_of(self, url: str) -> str | None:
        return urls.content_type_of(url)

    def listing_path(self, url: str) -> str:
        return urls.listing_path(url)

    def section_hint(self, url: str, sections: dict[str, str]) -> str | None:
        return urls.section_hint(url, sections)

    def is_pagination(self, url: str, listing_url: str) -> bool:
        return urls.is_pagination(url, listing_url)

    def page_number(self, url: str) -> int:
        return urls.page_number(url)

    def is_subsection(self, url: str, listing_url: str) -> bool:
        return urls.is_subsection(url, listing_url)

    def sitemap_month(self, url: str) -> tuple[int, int] | None:
        return urls.sitemap_month(url)

    def menu_links(self, page: Page, edition: Edition | None = None) -> list[MenuLink]:
        return pages.menu_links(page, edition)

    def ticker_lines(self, page: Page) -> list[TickerLine]:
        return pages.ticker_lines(page)

    def article_page(self, page: Page, context: PageContext = NO_CONTEXT) -> pages.ArticlePage:
        return pages.ArticlePage(page, context)


PROFILE = AlMayadeen()
