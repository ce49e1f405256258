"""Content fingerprints for spotting one article syndicated under several URLs.

Syndicated copies differ in page furniture and often in a trailing credit line, rarely in
the lead, so the fingerprint hashes the first tokens of the normalized body text."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from itertools import islice

from newsloom.han import HAN

_TOKENS = re.compile(f"[{HAN}]|[^\\W_]+", re.UNICODE)
LEAD_TOKENS = 300
MIN_TOKENS = 40


def content_fingerprint(text: str) -> str:
    """SHA-1 of the first LEAD_TOKENS normalized tokens; '' for texts too short to tell
    copies from coincidences."""
    tokens = [match.group() for match in islice(
        _TOKENS.finditer(unicodedata.normalize("NFKC", text).casefold()), LEAD_TOKENS)]
    if len(tokens) < MIN_TOKENS:
        return ""
    return hashlib.sha1(" ".join(tokens).encode("utf-8")).hexdigest()
