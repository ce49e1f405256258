"""Content-Encoding decoded under the body cap, step by step.

httpx decodes each encoding layer whole, so one small compressed chunk can expand to
gigabytes before any cap is checked, and `Content-Encoding: gzip, gzip` multiplies the
ratio (a 6.7 KB response reached a MemoryError). Here each decompression step may produce at
most what is left of the cap, and stacked encodings are refused: no real server needs them.
"""

from __future__ import annotations

import zlib


class EncodingRefusedError(ValueError):
    """The response's Content-Encoding is stacked, unknown or corrupt."""


class BodyOverCapError(ValueError):
    """Decoding would produce more than the cap allows."""


_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


def content_codings(header: str) -> list[str]:
    """The codings a Content-Encoding header lists, in order, without 'identity'."""
    return [c for c in (part.strip().lower() for part in header.split(",")) if c and
            c != "identity"]


class CappedDecoder:
    """Decodes a body chunk by chunk, never holding more than `cap` decoded bytes."""

    def __init__(self, content_encoding: str, cap: int) -> None:
        codings = content_codings(content_encoding)
        if len(codings) > 1:
            raise EncodingRefusedError(
                f"refused: stacked content encodings ({', '.join(codings)})")
        if codings and codings[0] not in _WBITS:
            raise EncodingRefusedError(f"refused: unsupported content encoding {codings[0]!r}")
        self.coding = codings[0] if codings else ""
        self.cap = cap
        self.size = 0
        self._inflater: zlib._Decompress | None = (
            zlib.decompressobj(_WBITS[self.coding]) if self.coding else None)
        self._started = False

    def _take(self, data: bytes) -> bytes:
        self.size += len(data)
        if self.size > self.cap:
            raise BodyOverCapError(f"response too large: over the limit of {self.cap} bytes")
        return data

    def feed(self, data: bytes) -> list[bytes]:
        """Decoded pieces of one raw chunk; raises BodyOverCapError at the cap."""
        if self._inflater is None:
            return [self._take(data)]
        pieces: list[bytes] = []
        pending = data
        while pending:
            try:
                out = self._inflater.decompress(pending, self.cap - self.size + 1)
            except zlib.error as exc:
                if self.coding == "deflate" and not self._started:
                    # servers disagree on "deflate": zlib-wrapped (the RFC) or raw
                    self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._started = True
                    continue
                raise EncodingRefusedError(f"corrupt {self.coding} body: {exc}") from exc
            self._started = True
            pieces.append(self._take(out))
            pending = self._inflater.unconsumed_tail
            if self._inflater.eof and self._inflater.unused_data:
                # a concatenated gzip member (valid gzip): decode it the same way
                pending = self._inflater.unused_data
                self._inflater = zlib.decompressobj(_WBITS[self.coding])
        return pieces
