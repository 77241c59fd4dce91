"""Archived bodies read back with a bound: a gzip bomb costs its own capture, not the reader.

A portal may send a few kilobytes of gzip (or deflate, or brotli) that inflate to
gigabytes. The archive keeps the bytes as received; whoever reads them back
(extraction, Datasette's replay) gets them decoded, in chunks, and never past
GONGKAI_MAX_DECODED_BYTES: beyond it PayloadTooLarge names the capture and the limit.
"""

from __future__ import annotations

import os
import zlib

import brotli

DEFAULT_MAX_DECODED_BYTES = 64 * 1024 * 1024  # as the crawl's DOWNLOAD_MAXSIZE
CHUNK = 256 * 1024


class PayloadTooLarge(ValueError):
    def __init__(self, limit: int, what: str = "payload"):
        super().__init__(f"{what} decodes to more than {limit} bytes "
                         "(GONGKAI_MAX_DECODED_BYTES)")
        self.limit = limit


def max_decoded_bytes() -> int:
    value = os.environ.get("GONGKAI_MAX_DECODED_BYTES", "")
    return int(value) if value.strip().isdigit() else DEFAULT_MAX_DECODED_BYTES


def content_codings(headers: list[tuple[str, str]]) -> list[str]:
    """The Content-Encoding codings, in the order they were applied."""
    codings = []
    for name, value in headers:
        if name.lower() == "content-encoding":
            codings += [c.strip().lower() for c in value.split(",") if c.strip()]
    return [c for c in codings if c != "identity"]


def decode(body: bytes, codings: list[str], limit: int | None = None) -> bytes:
    """BODY with its content codings undone, last applied first, never past LIMIT bytes.

    A coding we cannot read, or bytes that are not what the header says, leave the
    body as received (as replay tools do): only a size past the limit is an error."""
    limit = max_decoded_bytes() if limit is None else limit
    for coding in reversed(codings):
        step = _DECODERS.get(coding)
        if step is None:
            return body
        try:
            body = step(body, limit)
        except (zlib.error, brotli.error):
            return body
    return body


def _inflate(body: bytes, limit: int, wbits: int) -> bytes:
    out = bytearray()
    data = body
    while data:
        decompressor = zlib.decompressobj(wbits)
        chunk = decompressor.decompress(data, CHUNK)
        while True:
            _append(out, chunk, limit)
            if decompressor.eof or not (decompressor.unconsumed_tail or chunk):
                break
            chunk = decompressor.decompress(decompressor.unconsumed_tail, CHUNK)
        # gzip allows several members one after another; anything else after it is ignored
        rest = decompressor.unused_data if decompressor.eof and wbits > 16 else b""
        data = rest if rest.startswith(b"\x1f\x8b") else b""
    return bytes(out)


def _gunzip(body: bytes, limit: int) -> bytes:
    return _inflate(body, limit, 16 + zlib.MAX_WBITS)


def _deflate(body: bytes, limit: int) -> bytes:
    try:
        return _inflate(body, limit, zlib.MAX_WBITS)
    except zlib.error:  # raw deflate, as some servers send it
        return _inflate(body, limit, -zlib.MAX_WBITS)


def _unbrotli(body: bytes, limit: int) -> bytes:
    out = bytearray()
    decompressor = brotli.Decompressor()
    chunk = decompressor.process(body, output_buffer_limit=CHUNK)
    while True:
        _append(out, chunk, limit)
        if decompressor.is_finished() or not chunk:
            break
        chunk = decompressor.process(b"", output_buffer_limit=CHUNK)
    return bytes(out)


def _append(out: bytearray, chunk: bytes, limit: int) -> None:
    if len(out) + len(chunk) > limit:
        raise PayloadTooLarge(limit)
    out += chunk


_DECODERS = {"gzip": _gunzip, "x-gzip": _gunzip, "deflate": _deflate, "br": _unbrotli}
