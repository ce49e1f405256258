"""Canonical article URLs: the key that makes ingestion idempotent across feeds and retries."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that only carry campaign or click tracking, named by the analytics and ad
# products that define them (Google, Meta, Microsoft, Mailchimp, Matomo, HubSpot, Adobe, AT
# Internet, comScore, Marketo...). Generic names such as `cid`, `id`, `from`, `src`, `share`,
# `feed` or `rss` are NOT here: sites use them for the article itself (`?cid=1001` and
# `?cid=1002` are two articles), and stripping them merged distinct articles into one URL.
_TRACKING_EXACT = frozenset({
    "fbclid", "gclid", "dclid", "gclsrc", "gbraid", "wbraid", "msclkid", "yclid", "igshid",
    "twclid", "ttclid", "li_fat_id", "mc_cid", "mc_eid", "_ga", "_gl", "mkt_tok", "vero_id",
    "oly_enc_id", "oly_anon_id", "__twitter_impression", "wt.mc_id", "ns_mchannel",
    "ns_source", "ns_campaign", "ns_linkname", "ns_fee", "at_medium", "at_campaign",
    "at_custom1", "at_custom2", "at_custom3", "at_custom4", "s_cid", "xtor", "ocid",
    "ref_src", "smid",
})
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "__hs")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_MULTI_SLASH = re.compile(r"/{2,}")


class InvalidURLError(ValueError):
    """A URL that cannot name an article (bad port, malformed host)."""


def is_tracking_param(name: str) -> bool:
    """True for query parameters that only carry campaign or click tracking."""
    lowered = name.lower()
    return lowered in _TRACKING_EXACT or lowered.startswith(_TRACKING_PREFIXES)


def canonicalize_url(url: str) -> str:
    """Normalize an article URL: lower-case scheme and host, no default port, no fragment,
    no tracking parameters, collapsed slashes. Other parameters keep their order (some sites
    put the article id in the query). Raises InvalidURLError for an http(s) URL with an
    impossible port or a malformed host."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            return url
        port = parts.port
    except ValueError as exc:  # "Port out of range", "Invalid IPv6 URL"
        raise InvalidURLError(f"invalid link {url[:200]!r}: {exc}") from exc
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _MULTI_SLASH.sub("/", parts.path) or "/"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
         if not is_tracking_param(k)],
        doseq=True,
    )
    return urlunsplit((scheme, netloc, path, query, ""))


def same_site(a: str, b: str) -> bool:
    """True when two URLs share a host, ignoring a leading 'www.' (used to trust
    rel=canonical only within the publisher's own site)."""
    def host(u: str) -> str:
        h = (urlsplit(u).hostname or "").lower()
        return h.removeprefix("www.")
    return bool(host(a)) and host(a) == host(b)
