"""Fault rules of the mirror server: which request fails how, and what a faulty reply is.

A rule file is a JSON list of objects (``newscrawl mirror --faults FILE``)::

    [{"match": "^/news/", "mode": ["500", "reset"], "rate": 0.2, "seed": 7, "times": 2},
     {"match": "^/$", "mode": "429", "after": 1, "times": 1, "retry_after": "date:2"}]

- ``match``: a regular expression searched in the request target (path and query); default: all.
  A ``redirect-loop`` hop is matched as the target it started from (its ``_loop`` parameter
  left out), so the loop goes on.
- ``mode``: a mode name (:data:`MODES`), or a list of them: one is picked per request, by a hash
  of ``seed``, target and request number.
- ``after``: skip the first K requests of each distinct target; ``times``: then apply to N
  requests of it (absent: to every one). "The 2nd request fails" is ``after: 1, times: 1``.
- ``rate`` (0 to 1) with ``seed`` (default 0): apply to that share of the (target, request
  number) pairs, picked by a hash, so a run repeats exactly.
- mode parameters: ``retry_after`` (``"2"``: seconds, ``"date:2"``: an HTTP-date 2 s ahead,
  ``"raw:TEXT"``: ``TEXT`` as it is, Latin-1 characters sent as their bytes: ``"raw:\u00b2"``),
  ``delay`` (``slow``, seconds, default 5), ``size`` (``oversized``, bytes, default 20 MiB),
  ``chunked`` (``oversized`` without Content-Length), ``location`` (``redirect-offsite``, the
  origin redirected to), ``header`` (challenge pages send ``cf-mitigated: challenge``, default
  true), ``fraction`` (``cut-html``, default 0.5), ``links_to`` (``junk-links``, the foreign
  origin).

The first rule that applies to a request wins; a request no rule applies to is served as is.
Everything here is pure except :class:`Faults`, which counts requests (thread-safe).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

#: The origin ``redirect-offsite`` sends to, and ``junk-links`` links to, by default.
OFFSITE = "http://offsite.invalid"
ELSEWHERE = "http://elsewhere.invalid"
#: The query parameter that numbers the hops of a ``redirect-loop``.
LOOP_PARAMETER = "_loop"


class FaultRuleError(ValueError):
    """A rule file that cannot be used; the message names the rule's index and the problem."""


@dataclass(frozen=True)
class Reply:
    """What the mirror sends for one request.

    ``send`` is how many bytes of ``body`` go out before the connection is closed (``None``:
    all of it); ``reset`` aborts the connection with a TCP RST instead of answering; ``delay``
    is slept before answering; ``length`` is sent as Content-Length (``None``: none, the body
    ends when the connection closes)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    length: int | None = None
    send: int | None = None
    reset: bool = False
    delay: float = 0.0

    @classmethod
    def page(cls, status: int, content_type: str, body: bytes, *extra: tuple[str, str]) -> Reply:
        """A complete reply; returns it with Content-Type and Content-Length set."""
        return cls(status, (("Content-Type", content_type), *extra), body, len(body))


@dataclass(frozen=True)
class Rule:
    """One fault rule (see the module's docstring for each field)."""

    modes: tuple[str, ...]
    match: re.Pattern[str] | None = None
    after: int = 0
    times: int | None = None
    rate: float | None = None
    seed: int = 0
    retry_after: str | None = None
    delay: float = 5.0
    size: int = 20 * 1024 * 1024
    chunked: bool = False
    location: str = OFFSITE
    header: bool = True
    fraction: float = 0.5
    links_to: str = ELSEWHERE

    def pick(self, target: str, number: int) -> str | None:
        """The mode this rule injects into request ``number`` (1 for the first) of ``target``,
        or ``None`` if it does not apply to it."""
        if self.match is not None and not self.match.search(loop_origin(target)):
            return None
        if number <= self.after or (self.times is not None and number > self.after + self.times):
            return None
        if self.rate is not None and _share(self.seed, "rate", target, number) >= self.rate:
            return None
        if len(self.modes) == 1:
            return self.modes[0]
        return self.modes[int(_share(self.seed, "mode", target, number) * len(self.modes))]


def _share(seed: int, salt: str, target: str, number: int) -> float:
    """A number in [0, 1) that depends only on the arguments."""
    digest = hashlib.blake2b(f"{seed}\0{salt}\0{target}\0{number}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def loop_origin(target: str) -> str:
    """``target`` without the ``_loop`` parameter a ``redirect-loop`` adds."""
    parts = urlsplit(target)
    if LOOP_PARAMETER not in parts.query:
        return target
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != LOOP_PARAMETER])
    return parts.path + (f"?{query}" if query else "")


class Faults:
    """The rules of one server and its counters: requests per target and faults injected."""

    def __init__(self, rules: Sequence[Rule] = ()) -> None:
        self.rules = tuple(rules)
        self._lock = threading.Lock()
        self._seen: Counter[str] = Counter()
        self._injected: Counter[str] = Counter()
        self._requests = 0

    def next(self, target: str) -> tuple[Rule, str] | None:
        """Count a request of ``target``; returns the rule and mode to inject into it, if any."""
        with self._lock:
            self._requests += 1
            self._seen[target] += 1
            number = self._seen[target]
            for rule in self.rules:
                mode = rule.pick(target, number)
                if mode is not None:
                    self._injected[mode] += 1
                    return rule, mode
        return None

    def counts(self) -> dict[str, Any]:
        """``{"requests": int, "injected": {mode: int}}``: what the server has answered so far."""
        with self._lock:
            return {"requests": self._requests, "injected": dict(sorted(self._injected.items()))}


# -- reading rules ------------------------------------------------------------------------------

_PARAMETERS = {"retry_after", "delay", "size", "chunked", "location", "header", "fraction", "links_to"}
_KEYS = {"match", "mode", "after", "times", "rate", "seed", *_PARAMETERS}
_RETRY_AFTER = re.compile(r"(?:date:)?[0-9]+|raw:[^\x00-\x1f\x7f\u0100-\U0010ffff]+")


def load_rules(path: Path) -> list[Rule]:
    """The rules of a JSON rule file; raises :class:`FaultRuleError` naming what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FaultRuleError(f"cannot read {path}: {exc.strerror}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FaultRuleError(f"{path} is not JSON: {exc}") from exc
    return parse_rules(data)


def parse_rules(data: object) -> list[Rule]:
    """Rules from a decoded rule file (a list of objects); raises :class:`FaultRuleError`."""
    if not isinstance(data, list):
        raise FaultRuleError("the rule file must hold a JSON list of rules")
    rules = []
    for index, raw in enumerate(data):
        try:
            rules.append(_rule(raw))
        except FaultRuleError as exc:
            raise FaultRuleError(f"rule {index}: {exc}") from None
    return rules


def _rule(raw: object) -> Rule:
    if not isinstance(raw, dict):
        raise FaultRuleError(f"a rule is a JSON object, not {type(raw).__name__}")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise FaultRuleError(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})")
    modes = raw.get("mode")
    modes = [modes] if isinstance(modes, str) else modes
    if not isinstance(modes, list) or not modes or not all(isinstance(m, str) for m in modes):
        raise FaultRuleError("'mode' must be a mode name or a non-empty list of them")
    for mode in modes:
        if mode not in MODES:
            raise FaultRuleError(f"unknown mode {mode!r} (known: {', '.join(MODES)})")
    fields: dict[str, Any] = {"modes": tuple(modes)}
    if "match" in raw:
        try:
            fields["match"] = re.compile(_typed(raw, "match", str))
        except re.error as exc:
            raise FaultRuleError(f"'match' is not a regular expression: {exc}") from None
    for key in ("after", "times", "seed", "size"):
        if key in raw:
            fields[key] = _whole(raw, key)
    for key, low, high in (("rate", 0.0, 1.0), ("fraction", 0.0, 1.0), ("delay", 0.0, 3600.0)):
        if key in raw:
            value = raw[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
                raise FaultRuleError(f"{key!r} must be a number from {low:g} to {high:g}, not {value!r}")
            fields[key] = float(value)
    for key in ("chunked", "header"):
        if key in raw:
            fields[key] = _typed(raw, key, bool)
    for key in ("location", "links_to"):
        if key in raw:
            value = _typed(raw, key, str).rstrip("/")
            if urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc:
                raise FaultRuleError(f"{key!r} must be an http(s) origin such as 'http://offsite.invalid', not {value!r}")
            fields[key] = value
    if "retry_after" in raw:
        value = raw["retry_after"]
        if not isinstance(value, str) or not _RETRY_AFTER.fullmatch(value):
            raise FaultRuleError(
                f"'retry_after' must be seconds ('2'), 'date:SECONDS' ('date:2') or 'raw:TEXT' (Latin-1), not {value!r}"
            )
        fields["retry_after"] = value
    return Rule(**fields)


def _typed(raw: dict[str, Any], key: str, kind: type[Any]) -> Any:
    value = raw[key]
    if not isinstance(value, kind):
        raise FaultRuleError(f"{key!r} must be a {kind.__name__}, not {value!r}")
    return value


def _whole(raw: dict[str, Any], key: str) -> int:
    value = raw[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FaultRuleError(f"{key!r} must be a whole number >= 0, not {value!r}")
    return value


# -- the modes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Served:
    """What the mirror would send without a fault: status, Content-Type and body."""

    status: int
    content_type: str
    body: bytes

    def reply(self, body: bytes | None = None, content_type: str | None = None) -> Reply:
        """This page as a reply, with another body or Content-Type if given."""
        return Reply.page(self.status, content_type or self.content_type, self.body if body is None else body)


_HTML = "text/html; charset=utf-8"


def _error_page(status: int, title: str) -> bytes:
    return f"<html><head><title>{status} {title}</title></head><body><h1>{title}</h1></body></html>".encode()


def retry_after_value(spec: str, now: datetime | None = None) -> str:
    """The Retry-After header for ``spec``: ``"2"`` as is, ``"date:2"`` as the HTTP-date 2 s after
    ``now`` (default: the current time), ``"raw:TEXT"`` as ``TEXT``."""
    if spec.startswith("raw:"):
        return spec[4:]
    if not spec.startswith("date:"):
        return spec
    moment = (now or datetime.now(timezone.utc)) + timedelta(seconds=int(spec[5:]))
    return format_datetime(moment.astimezone(timezone.utc), usegmt=True)


def _status(status: int, title: str) -> Callable[[Rule, Served, str], Reply]:
    def mode(rule: Rule, served: Served, target: str) -> Reply:
        extra = (("Retry-After", retry_after_value(rule.retry_after)),) if rule.retry_after and status == 503 else ()
        return Reply.page(status, _HTML, _error_page(status, title), *extra)

    mode.__doc__ = f"HTTP {status} {title}."
    return mode


def too_many_requests(rule: Rule, served: Served, target: str) -> Reply:
    """HTTP 429, always with Retry-After (default 1 s)."""
    return Reply.page(
        429, _HTML, _error_page(429, "Too Many Requests"), ("Retry-After", retry_after_value(rule.retry_after or "1"))
    )


def reset(rule: Rule, served: Served, target: str) -> Reply:
    """No answer: the connection is aborted with a TCP RST."""
    return Reply(0, (), b"", reset=True)


def truncate(rule: Rule, served: Served, target: str) -> Reply:
    """The full Content-Length, then half the body, then the connection closes."""
    return replace(served.reply(), send=len(served.body) // 2)


def slow(rule: Rule, served: Served, target: str) -> Reply:
    """The page as is, after ``delay`` seconds."""
    return replace(served.reply(), delay=rule.delay)


def redirect_loop(rule: Rule, served: Served, target: str) -> Reply:
    """302 to the same path with ``_loop`` one higher: a new URL each hop, never ending."""
    parts = urlsplit(target)
    query = parse_qsl(parts.query, keep_blank_values=True)
    hop = next((int(v) for k, v in query if k == LOOP_PARAMETER and v.isdigit()), 0)
    query = [(k, v) for k, v in query if k != LOOP_PARAMETER] + [(LOOP_PARAMETER, str(hop + 1))]
    return Reply.page(302, _HTML, b"", ("Location", f"{parts.path}?{urlencode(query)}"))


def redirect_offsite(rule: Rule, served: Served, target: str) -> Reply:
    """302 to ``location`` followed by the request's own path and query."""
    return Reply.page(302, _HTML, b"", ("Location", rule.location + target))


def oversized(rule: Rule, served: Served, target: str) -> Reply:
    """The page padded to ``size`` bytes with an HTML comment (with ``chunked``, sent without
    Content-Length, ending when the connection closes)."""
    pad = max(0, rule.size - len(served.body) - len(b"<!--  -->"))
    comment = b"<!-- " + b"x" * pad + b" -->"
    body = _insert_before(served.body, b"</body>", comment)
    reply = served.reply(body)
    return replace(reply, length=None) if rule.chunked else reply


_META_CHARSET = re.compile(rb"<meta\s+charset\s*=\s*[\"']?[\w-]+[\"']?\s*/?>\s*", re.IGNORECASE)
_META_HTTP_EQUIV = re.compile(rb"<meta\s+http-equiv\s*=\s*[\"']?content-type[\"']?[^>]*>\s*", re.IGNORECASE)


def _without_charset(body: bytes) -> bytes:
    return _META_HTTP_EQUIV.sub(b"", _META_CHARSET.sub(b"", body))


def wrong_charset(rule: Rule, served: Served, target: str) -> Reply:
    """The UTF-8 page declared ISO-8859-1 by its header, its own declarations removed."""
    return served.reply(_without_charset(served.body), "text/html; charset=iso-8859-1")


def windows_1256(rule: Rule, served: Served, target: str) -> Reply:
    """The page in windows-1256 (characters it lacks as numeric references), declared by
    ``<meta charset="windows-1256">`` only: the header says ``text/html``."""
    text = _without_charset(served.body).decode("utf-8", "replace")
    head = re.search(r"<head(?:\s[^>]*)?>", text, re.IGNORECASE)
    at = head.end() if head else 0
    text = f'{text[:at]}\n<meta charset="windows-1256">{text[at:]}'
    return served.reply(text.encode("windows-1256", "xmlcharrefreplace"), "text/html")


_CLOSERS = re.compile(rb"</(?:p|div|li)\s*>", re.IGNORECASE)
_BODY = re.compile(rb"<body(?:\s[^>]*)?>", re.IGNORECASE)
_QUOTED_CLASS = re.compile(rb'(<\w+\s[^>]*?)class="([\w-]+)"')


def malformed(rule: Rule, served: Served, target: str) -> Reply:
    """The page damaged as real pages are, in ways lxml recovers from: no ``</p>``, ``</div>``
    or ``</li>``, a stray ``</td></table>`` and an unclosed ``<b><i>`` after ``<body>``, and
    the first few one-word class attributes unquoted and given a (later, ignored) duplicate."""
    body = _CLOSERS.sub(b"", served.body)
    match = _BODY.search(body)
    at = match.end() if match else 0
    body = body[:at] + b"</td></table><b><i>" + body[at:]
    body = _QUOTED_CLASS.sub(rb'\1class=\2 class="mirror-duplicate"', body, count=5)
    return served.reply(body)


def cut_html(rule: Rule, served: Served, target: str) -> Reply:
    """A complete reply whose page is only its first ``fraction``: broken at the source."""
    cut = served.body[: int(len(served.body) * rule.fraction)]
    if served.content_type.startswith("text/"):
        cut = cut.decode("utf-8", "ignore").encode()  # not half a character
    return served.reply(cut)


#: A Cloudflare "Just a moment..." interstitial, as served to clients it challenges.
CHALLENGE_PAGE = b"""<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><meta http-equiv="X-UA-Compatible" content="IE=Edge">
<meta name="robots" content="noindex,nofollow"><meta name="viewport" content="width=device-width,initial-scale=1">
<style>*{box-sizing:border-box;margin:0;padding:0}html{line-height:1.15}body{display:flex;flex-direction:column}</style>
<meta http-equiv="refresh" content="390"></head><body class="no-js"><div class="main-wrapper" role="main">
<div class="main-content"><noscript><div class="h2"><span id="challenge-error-text">Enable JavaScript and cookies to continue</span></div></noscript>
<h1 class="zone-name-title h1">english.almayadeen.net</h1><h2 class="h2" id="challenge-running">Checking if the site connection is secure</h2>
<div id="cf-chl-widget-a1b2c"><input type="hidden" name="cf-turnstile-response" id="cf-chl-widget-a1b2c_response"></div>
</div></div><script>(function(){window._cf_chl_opt={cvId: '3',cZone: "english.almayadeen.net",cType: 'managed',cRay: '8f1d2c3b4a5e6f70',cH: 'mirror',cUPMDTk: "/?__cf_chl_tk=mirror",cFPWv: 'b',cITimeS: '1732950000'};
var cpo = document.createElement('script');cpo.src = '/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=8f1d2c3b4a5e6f70';
window._cf_chl_opt.cOgUHash = location.hash === '' && location.href.indexOf('#') !== -1 ? '#' : location.hash;
document.getElementsByTagName('head')[0].appendChild(cpo);}());</script>
<div class="footer" role="contentinfo"><div class="footer-inner"><div class="clearfix diagnostic-wrapper">
<div class="ray-id">Ray ID: <code>8f1d2c3b4a5e6f70</code></div></div>
<div class="text-center" id="footer-text">Performance &amp; security by Cloudflare</div></div></div></body></html>
"""


def _challenge(status: int) -> Callable[[Rule, Served, str], Reply]:
    def mode(rule: Rule, served: Served, target: str) -> Reply:
        headers = [
            ("Server", "cloudflare"),
            ("CF-RAY", "8f1d2c3b4a5e6f70-BEY"),
            ("Cache-Control", "private, max-age=0, no-store"),
        ]
        if rule.header:
            headers.append(("cf-mitigated", "challenge"))
        return Reply.page(status, "text/html; charset=UTF-8", CHALLENGE_PAGE, *headers)

    mode.__doc__ = f"Cloudflare's challenge page with HTTP {status}."
    return mode


def empty(rule: Rule, served: Served, target: str) -> Reply:
    """HTTP 200, ``text/html``, no body at all."""
    return Reply.page(200, _HTML, b"")


_ARTICLE_HREF = re.compile(rb'href="((?:https?://[^/"]+)?(/[\w-]+/[\w-]+/[\w-]{12,}))"')


def junk_links(rule: Rule, served: Served, target: str) -> Reply:
    """The page with links no crawler of the site should follow, before ``</body>``: to another
    origin (``http://`` and protocol-relative, one shaped like an article of the site),
    ``javascript:``, ``mailto:``, ``tel:``, ``data:``, a bare fragment, and a same-site article
    with a fragment."""
    found = _ARTICLE_HREF.search(served.body)
    article = found[2].decode() if found else urlsplit(target).path
    foreign = urlsplit(rule.links_to).netloc
    hrefs = [
        f"{rule.links_to}{article}",
        f"{rule.links_to}/",
        f"//{foreign}/news/politics",
        f"//{foreign}{article}",
        "javascript:void(0)",
        "mailto:newsdesk@elsewhere.invalid",
        "tel:+9611234567",
        "data:text/html,%3Ch1%3Ehello%3C%2Fh1%3E",
        "#top",
        f"{article}#comments",
    ]
    block = (
        '<div class="mirror-junk-links">' + "".join(f'<a href="{href}">link {n}</a>' for n, href in enumerate(hrefs)) + "</div>"
    )
    return served.reply(_insert_before(served.body, b"</body>", block.encode()))


def _insert_before(body: bytes, marker: bytes, insert: bytes) -> bytes:
    at = body.lower().rfind(marker)
    return body + insert if at < 0 else body[:at] + insert + body[at:]


#: Every mode by name.
MODES: dict[str, Callable[[Rule, Served, str], Reply]] = {
    "500": _status(500, "Internal Server Error"),
    "502": _status(502, "Bad Gateway"),
    "503": _status(503, "Service Unavailable"),
    "429": too_many_requests,
    "403": _status(403, "Forbidden"),
    "reset": reset,
    "truncate": truncate,
    "slow": slow,
    "redirect-loop": redirect_loop,
    "redirect-offsite": redirect_offsite,
    "oversized": oversized,
    "wrong-charset": wrong_charset,
    "windows-1256": windows_1256,
    "malformed": malformed,
    "cut-html": cut_html,
    "challenge-403": _challenge(403),
    "challenge-503": _challenge(503),
    "empty": empty,
    "junk-links": junk_links,
}


def fault_reply(rule: Rule, mode: str, served: Served, target: str) -> Reply:
    """The reply of ``mode`` under ``rule`` for ``target``, whose page is ``served``."""
    return MODES[mode](rule, served, target)
