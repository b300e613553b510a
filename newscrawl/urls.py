"""Pure URL helpers: canonical form, hosts, and the mapping between a site and its mirror."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url

_STATIC_SUFFIXES = (
    ".css", ".js", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".ico", ".pdf",
    ".xml", ".txt", ".json", ".mp4", ".mp3", ".woff", ".woff2", ".ttf", ".zip",
)  # fmt: skip


def origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL, lower-cased."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def host(url: str) -> str:
    """Host name of a URL, lower-cased, without port."""
    return (urlsplit(url).hostname or "").lower()


def is_loopback(url: str) -> bool:
    """Whether a URL points at this machine (a local mirror or test server)."""
    name = host(url)
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def site_host(name: str) -> str:
    """A host name with its ``www.`` twin folded in: ``www.site.example`` → ``site.example``."""
    return name.removeprefix("www.")


def is_static(url: str) -> bool:
    """Whether a URL names a static asset or data file rather than a page."""
    return urlsplit(url).path.lower().endswith(_STATIC_SUFFIXES)


# A news page repeats its menus and teaser links, and each link is canonicalized by the spider,
# the loaders and the archive: a bounded memo, not a set of every URL ever seen.
@lru_cache(maxsize=8192)
def canonical(url: str) -> str:
    """A stable form of a URL: no fragment, sorted query, normalized escapes, no trailing slash.

    ``https://Example.net/a/b/?b=2&a=1#x`` → ``https://example.net/a/b?a=1&b=2``.
    """
    parts = urlsplit(canonicalize_url(url, keep_fragments=False))
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, parts.query, ""))


# Query parameters that only tell analytics where a click came from: the same page without them.
_TRACKING = re.compile(r"^(?:utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|ocid|cmpid|ito)$", re.IGNORECASE)


def clean_url(url: str) -> str:
    """``url`` without its fragment and its click-tracking parameters (``utm_*``, ``fbclid``...).

    ``https://site.example/a?utm_source=rss&id=2#top`` → ``https://site.example/a?id=2``. The
    other parameters keep their order and spelling.
    """
    parts = urlsplit(url)
    kept = [pair for pair in parts.query.split("&") if pair and not _TRACKING.match(pair.split("=", 1)[0])]
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "&".join(kept), ""))


def url_key(url: str) -> str:
    """The key that tells two links to the same page apart from links to different ones."""
    return canonical(clean_url(url))


@dataclass(frozen=True)
class HostMap:
    """Maps URLs between a site's real origin and the origin a crawl fetches from.

    When a crawl runs against a mirror (``fetch_origin`` differs from ``real_origin``), links
    that name the real host are fetched on the mirror, and everything archived names the real
    host, so an archive built from a mirror agrees with one built from the live site.
    """

    real_origin: str
    fetch_origin: str

    @property
    def mirrored(self) -> bool:
        """Whether the crawl fetches from somewhere other than the real site."""
        return self.real_origin != self.fetch_origin

    def on_site(self, url: str) -> bool:
        """Whether a URL is on the edition (its real host or the mirror standing in for it)."""
        if url.startswith((self.fetch_origin + "/", self.real_origin + "/")):
            return True
        return origin(url) in (self.real_origin, self.fetch_origin) or self._is_real_host(url)

    def to_fetch(self, url: str) -> str:
        """The URL to request: an edition URL moved onto the fetch origin."""
        if not self.mirrored or url.startswith(self.fetch_origin + "/"):
            return url
        if self._is_real_host(url):
            return self.fetch_origin + _rest(url)
        return url

    def to_real(self, url: str) -> str:
        """The URL to archive: a fetch-origin URL moved back onto the real origin, canonical."""
        if (self.mirrored and origin(url) == self.fetch_origin) or self._is_real_host(url):
            url = self.real_origin + _rest(url)
        return canonical(url)

    def _is_real_host(self, url: str) -> bool:
        """Whether a URL names the real site's host, by either scheme, ``www.`` or not."""
        return site_host(host(url)) == site_host(host(self.real_origin))


def _rest(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
