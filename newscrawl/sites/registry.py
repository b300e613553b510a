"""Every site profile newscrawl knows, by name and by host: adding a site is one line here."""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

from newscrawl.items import ArticleItem
from newscrawl.sites import generic
from newscrawl.sites.almayadeen.profile import PROFILE as ALMAYADEEN
from newscrawl.sites.meridianpost import PROFILE as MERIDIANPOST
from newscrawl.urls import host

if TYPE_CHECKING:
    from collections.abc import Iterable

    from newscrawl.sites.profile import Edition, SiteProfile

#: The fields an article item has: what a profile's ``expected_fields`` may name.
ITEM_FIELDS = frozenset(f.name for f in fields(ArticleItem))


class ProfileError(ValueError):
    """A profile says something the crawl cannot act on; the message names the profile and what."""


def checked(profiles: Iterable[SiteProfile]) -> dict[str, SiteProfile]:
    """``profiles`` by name, each checked: its expected fields are fields of an article item.
    Raises :class:`ProfileError` naming the first profile that names another."""
    by_name: dict[str, SiteProfile] = {}
    for profile in profiles:
        unknown = [name for name in profile.expected_fields if name not in ITEM_FIELDS]
        if unknown:
            raise ProfileError(
                f"site profile {profile.name!r}: expected_fields names {', '.join(map(repr, unknown))}, "
                f"not a field of an article (ArticleItem: {', '.join(sorted(ITEM_FIELDS))})"
            )
        by_name[profile.name] = profile
    return by_name


#: The profiles by name; ``generic`` reads any other site.
PROFILES: dict[str, SiteProfile] = checked((ALMAYADEEN, MERIDIANPOST, generic.PROFILE))


def by_name(name: str) -> SiteProfile:
    """The profile called ``name``; a :class:`KeyError` naming the known ones otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        raise KeyError(f"no site profile {name!r}; known: {', '.join(sorted(PROFILES))}") from None


def for_url(url: str) -> tuple[SiteProfile, Edition | None]:
    """The profile and edition of the site a URL is on (its ``www.`` twin included); the
    generic profile and no edition for a site no profile names."""
    name = host(url)
    for profile in PROFILES.values():
        edition = profile.edition_for_host(name)
        if edition is not None:
            return profile, edition
    return generic.PROFILE, None


def expected_fields(url: str) -> tuple[str, ...]:
    """The fields every article of the site of ``url`` shows (its profile's
    :attr:`~newscrawl.sites.profile.SiteProfile.expected_fields`)."""
    return for_url(url)[0].expected_fields
