"""The Meridian Post, the invented regional paper of ``fixtures/othersite``: the short example
of a profile that the README's "Adding a site" walks through.

What the generic layers cannot know, it says: the paper's one edition (its host, English, the
time zone of the times it shows without an offset, the name it appends to titles), and one
layer of its own in front of the generic ones: every article of the paper is a news story,
which its legacy template (``/YYYY/MM/DD/slug.html``, no JSON-LD) does not say. That template
shows no section either, so the section is not among the fields every article shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newscrawl.extract.newspage import NewsPage
from newscrawl.sites.profile import NO_CONTEXT, Edition, PageContext, SiteProfile

if TYPE_CHECKING:
    from newscrawl.extract.document import Page


class MeridianPage(NewsPage):
    """An article page of The Meridian Post: the generic layers, with what the paper's own
    metadata would say in front of them."""

    metadata_source = "profile"

    def _metadata(self, field: str) -> list[str]:
        return ["news"] if field == "content_type" else []


class MeridianPost(SiteProfile):
    """The Meridian Post (www.meridianpost.example)."""

    name = "meridianpost"
    editions = {"en": Edition("en", "https://www.meridianpost.example", "en", "Europe/London", ("The Meridian Post",))}  # noqa: RUF012 - read-only
    default_edition = "en"
    expected_fields = ("headline", "authors", "published_at", "lead", "body", "tags")

    def article_page(self, page: Page, context: PageContext = NO_CONTEXT) -> NewsPage:
        return MeridianPage(page, context.fallback)


PROFILE = MeridianPost()
