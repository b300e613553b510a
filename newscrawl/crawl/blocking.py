"""Recognizing a blocked crawl: bot-protection challenge pages and refusals (pure functions)."""

from __future__ import annotations

import re

# Markers of bot-protection interstitials (Cloudflare and similar); any one in the page is enough.
_CHALLENGE = re.compile(
    r"cf-chl|challenge-platform|cf_chl_opt|cf-browser-verification|cf-turnstile|"
    r"<title>\s*(?:just a moment|attention required|access denied|checking your browser|"
    r"ddos-guard|please wait)[^<]*</title>|checking your browser before accessing|"
    r"enable javascript and cookies to continue",
    re.IGNORECASE,
)
#: Challenge pages are small; a full article page that merely mentions the phrase is not one.
MAX_CHALLENGE_BYTES = 64 * 1024


def challenge_reason(status: int, headers: dict[str, str], text: str) -> str | None:
    """Why a response is a bot-protection challenge, or ``None`` if it is not one.

    ``headers`` maps lower-cased header names to values. A ``cf-mitigated: challenge`` header or
    a challenge page, with any status, is one.
    """
    if headers.get("cf-mitigated", "").lower() == "challenge":
        return f"bot-protection challenge (HTTP {status}, cf-mitigated: challenge)"
    if len(text) <= MAX_CHALLENGE_BYTES and _CHALLENGE.search(text):
        return f"bot-protection challenge page (HTTP {status})"
    return None


def block_reason(status: int, headers: dict[str, str], text: str) -> str | None:
    """Why the page a crawl starts from means the site refuses the crawler, or ``None``: a
    challenge (:func:`challenge_reason`) or a 403."""
    reason = challenge_reason(status, headers, text)
    if reason is None and status == 403:
        return "access refused (HTTP 403 Forbidden)"
    return reason
