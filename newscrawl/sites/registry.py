"""Every site profile newscrawl knows, by name and by host: adding a site is one line here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newscrawl.sites import generic
from newscrawl.sites.almayadeen.profile import PROFILE as ALMAYADEEN
from newscrawl.sites.meridianpost import PROFILE as MERIDIANPOST
from newscrawl.urls import host

if TYPE_CHECKING:
    from newscrawl.sites.profile import Edition, SiteProfile

#: The profiles by name; ``generic`` reads any other site.
PROFILES: dict[str, SiteProfile] = {profile.name: profile for profile in (ALMAYADEEN, MERIDIANPOST, generic.PROFILE)}


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
