"""Canonical article URLs: the key that makes ingestion idempotent across feeds and retries."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that only track where a click came from; they never change the article.
_TRACKING_EXACT = frozenset({
    "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
    "_ga", "_gl", "ocid", "cmpid", "ito", "ns_mchannel", "ns_source", "ns_campaign",
    "ns_linkname", "ns_fee", "at_medium", "at_campaign", "at_custom1", "at_custom2",
    "at_custom3", "at_custom4", "wt.mc_id", "ref_src", "ref_url", "smid", "sr_share",
    "share", "src", "spm", "from", "cid", "icid", "intcmp", "xtor", "__twitter_impression",
    "s_cid", "mkt_tok", "vero_id", "oly_enc_id", "oly_anon_id", "rss", "feed", "rssfeed",
})
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "__hs", "itm_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_MULTI_SLASH = re.compile(r"/{2,}")


def is_tracking_param(name: str) -> bool:
    """True for query parameters that only carry campaign or click tracking."""
    lowered = name.lower()
    return lowered in _TRACKING_EXACT or lowered.startswith(_TRACKING_PREFIXES)


def canonicalize_url(url: str) -> str:
    """Normalize an article URL: lower-case scheme and host, no default port, no fragment,
    no tracking parameters, collapsed slashes. Other parameters keep their order (some sites
    put the article id in the query)."""
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return url
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
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
