"""The WARC store: every fetched byte, written once, plus the `captures` index.

Records are gzip-compressed one per member so any record can be read back by
seeking to its offset; a crash loses at most the record being written.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from gongkai.archive import clock, db
from gongkai.archive.bodies import content_codings, decode

WARC_DIR = "warc"
INCOMPLETE_DIR = "incomplete"
OPEN_SUFFIX = ".open"
DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024
# Metadata records name the page they describe under this prefix: replay tools
# such as pywb index metadata records by target URI and would otherwise serve
# our JSON in place of the page itself.
ABOUT = "urn:gongkai:about:"
# A 304 is archived as a revisit record of this profile (WARC 1.1, 6.7.3).
NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"

# Scrapy hands us a de-chunked body, so a chunked header would lie about the
# bytes that follow it; replay tools then fail to parse the record.
_HOP_BY_HOP = {b"transfer-encoding", b"connection", b"keep-alive"}


def utc_now() -> str:
    # The archive's clock: a crawl run with --now (GONGKAI_NOW) records its pinned time.
    return clock.utc_now()


@dataclass
class Capture:
    id: int
    url: str
    record_type: str
    warc_file: str
    offset: int
    length: int
    record_id: str | None = None  # WARC-Record-ID, for records that refer to this one


class WarcStore:
    """Appends request/response/metadata records to rotating WARC files."""

    def __init__(self, data_dir: str | os.PathLike, *, site: str | None = None,
                 max_file_bytes: int = DEFAULT_MAX_FILE_BYTES):
        self.data_dir = Path(data_dir)
        self.warc_dir = self.data_dir / WARC_DIR
        self.warc_dir.mkdir(parents=True, exist_ok=True)
        self.site = site
        self.run_id: int | None = None
        self.max_file_bytes = max_file_bytes
        self._file = None
        self._writer = None
        self._name = None
        self._serial = 0
        self._lock = threading.Lock()
        self.index = db.open_database(self.data_dir)
        db.ensure_schema(self.index)
        self.recovered = recover_abandoned(self.data_dir, self.index)

    # -- files ---------------------------------------------------------------

    def _open_next(self) -> None:
        self._close_file()
        stamp = clock.now().strftime("%Y%m%d%H%M%S")  # the crawl's clock (--now)
        host = socket.gethostname().split(".")[0] or "host"
        while True:
            name = f"gongkai-{stamp}-{host}-{os.getpid()}-{self._serial:05d}.warc.gz"
            self._serial += 1
            path = self.warc_dir / name
            if not path.exists() and not path.with_name(name + OPEN_SUFFIX).exists():
                break
        # A file being written carries '.open' until it is closed; 'xb' because a
        # closed WARC file is never reopened for writing.
        self._file = open(path.with_name(name + OPEN_SUFFIX), "xb")
        self._writer = WARCWriter(self._file, gzip=True, warc_version="1.1")
        self._name = f"{WARC_DIR}/{name}"
        info = self._writer.create_warcinfo_record(name, {
            "software": "gongkai (warcio)",
            "format": "WARC File Format 1.1",
            "description": "政府信息公开工作年度报告 archive",
        })
        info.rec_headers.replace_header("WARC-Date", utc_now())  # warcio's is the wall clock
        self._write(info)

    def _close_file(self) -> None:
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            os.rename(self._file.name, self.data_dir / self._name)
            self._file = None

    def _write(self, record) -> tuple[str, int, int]:
        if self._file is None or self._file.tell() >= self.max_file_bytes:
            self._open_next()
        offset = self._file.tell()
        self._writer.write_record(record)
        self._file.flush()
        return self._name, offset, self._file.tell() - offset

    def close(self) -> None:
        with self._lock:
            self._close_file()
            self.index.conn.close()

    # -- records -------------------------------------------------------------

    def write_exchange(self, *, url: str, method: str, request_headers: list[tuple[bytes, bytes]],
                       request_body: bytes, status: int, reason: str,
                       response_headers: list[tuple[bytes, bytes]], body: bytes,
                       fetched_at: str | None = None) -> Capture:
        """Write one request record and its response record; index both."""
        fetched_at = fetched_at or utc_now()
        parts = urlsplit(url)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        with self._lock:
            response_http = StatusAndHeaders(
                f"{status} {reason}".strip(),
                [(_s(k), _s(v)) for k, v in response_headers if k.lower() not in _HOP_BY_HOP],
                protocol="HTTP/1.1")
            if self._file is None:
                self._open_next()
            sha256 = hashlib.sha256(body).hexdigest()
            original = self._original(sha256) if status == 200 and body else None
            if original is None:
                response = self._writer_record(url, "response", body, response_http, fetched_at)
            else:
                # The same bytes are archived already: a revisit record points at them.
                response = self._writer.create_revisit_record(
                    url, _sha1_digest(body), original["url"], original["fetched_at"],
                    http_headers=response_http, warc_headers_dict={"WARC-Date": fetched_at})
                response.rec_headers.add_header("WARC-Refers-To", original["warc_record_id"])
            request_http = StatusAndHeaders(
                f"{method} {target} HTTP/1.1",
                [(_s(k), _s(v)) for k, v in request_headers],
                is_http_request=True)
            request = self._writer_record(url, "request", request_body or b"", request_http, fetched_at)
            request.rec_headers.add_header(
                "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID"))
            content_type = _header(response_headers, b"content-type")
            response_at = name, offset, length = self._write(response)
            record_type = "response" if original is None else "revisit"
            response_id = db.insert_capture(self.index, {
                "url": url, "fetched_at": fetched_at, "record_type": record_type,
                "refers_to": original["id"] if original else None,
                "status": status, "content_type": content_type, "payload_sha256": sha256,
                "payload_length": len(body),
                "warc_record_id": response.rec_headers.get_header("WARC-Record-ID"),
                "warc_file": name, "offset": offset, "length": length, "site": self.site,
                "crawl_run": self.run_id,
            })
            name, offset, length = self._write(request)
            db.insert_capture(self.index, {
                "url": url, "fetched_at": fetched_at, "record_type": "request",
                "status": None, "content_type": None, "payload_sha256": None,
                "payload_length": len(request_body or b""),
                "warc_record_id": request.rec_headers.get_header("WARC-Record-ID"),
                "warc_file": name, "offset": offset, "length": length, "site": self.site,
                "crawl_run": self.run_id,
            })
            return Capture(response_id, url, record_type, *response_at,
                           record_id=response.rec_headers.get_header("WARC-Record-ID"))

    def write_not_modified(self, *, url: str, original: dict, reason: str,
                           response_headers: list[tuple[bytes, bytes]],
                           fetched_at: str | None = None) -> Capture:
        """A 304 confirming ORIGINAL (a capture dict: id, record_id): one revisit record
        (profile server-not-modified) and no request record, so a recrawl of an unchanged
        portal adds some 400 bytes a page (under a tenth of a first crawl).

        The record keeps the status line only: a 304 has no body, and its headers repeat
        the validators of the copy it confirms (the ETag we sent) and the time the
        record's WARC-Date gives; they would double the record."""
        fetched_at = fetched_at or utc_now()
        with self._lock:
            if self._file is None:
                self._open_next()
            http = StatusAndHeaders(f"304 {reason}".strip(), [], protocol="HTTP/1.1")
            record = self._writer.create_warc_record(
                url, "revisit", http_headers=http,
                warc_headers_dict={"WARC-Date": fetched_at, "WARC-Profile": NOT_MODIFIED,
                                   "WARC-Refers-To": original["record_id"]})
            name, offset, length = self._write(record)
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            capture_id = db.insert_capture(self.index, {
                "url": url, "fetched_at": fetched_at, "record_type": "revisit",
                "refers_to": original["id"], "status": 304,
                "content_type": _header(response_headers, b"content-type"),
                "payload_sha256": None, "payload_length": 0, "warc_record_id": record_id,
                "warc_file": name, "offset": offset, "length": length, "site": self.site,
                "crawl_run": self.run_id,
            })
            return Capture(capture_id, url, "revisit", name, offset, length, record_id=record_id)

    def _original(self, sha256: str) -> dict | None:
        return next(self.index.query(
            "select id, url, fetched_at, warc_record_id from captures where payload_sha256 = ? "
            "and record_type = 'response' order by id limit 1", [sha256]), None)

    def write_metadata(self, url: str, payload: dict, *, refers_to: str | None = None,
                       fetched_at: str | None = None) -> Capture:
        """Record what the crawler learnt about a URL (list title, date, column)."""
        fetched_at = fetched_at or utc_now()
        body = metadata_body(payload)
        # The kind in the index's content type lets queries tell report pages from
        # attachments without reading the record.
        content_type = f"application/json; kind={payload.get('kind', 'unknown')}"
        with self._lock:
            if self._file is None:
                self._open_next()
            record = self._writer.create_warc_record(
                ABOUT + url, "metadata", payload=io.BytesIO(body),
                warc_content_type=content_type,
                warc_headers_dict={"WARC-Date": fetched_at})
            if refers_to:
                record.rec_headers.add_header("WARC-Refers-To", refers_to)
            name, offset, length = self._write(record)
            capture_id = db.insert_capture(self.index, {
                "url": url, "fetched_at": fetched_at, "record_type": "metadata",
                "status": None, "content_type": content_type,
                "payload_sha256": hashlib.sha256(body).hexdigest(),
                "payload_length": len(body),
                "warc_record_id": record.rec_headers.get_header("WARC-Record-ID"),
                "warc_file": name, "offset": offset, "length": length, "site": self.site,
                "crawl_run": self.run_id,
            })
            return Capture(capture_id, url, "metadata", name, offset, length)

    def _writer_record(self, url, record_type, body, http_headers, fetched_at):
        if self._file is None:
            self._open_next()
        return self._writer.create_warc_record(
            url, record_type, payload=io.BytesIO(body), http_headers=http_headers,
            warc_headers_dict={"WARC-Date": fetched_at})


def metadata_body(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")


def metadata_sha256(payload: dict) -> str:
    """The payload_sha256 the index holds for a metadata record of PAYLOAD."""
    return hashlib.sha256(metadata_body(payload)).hexdigest()


@dataclass
class StoredRecord:
    url: str
    record_type: str
    status: int | None
    headers: list[tuple[str, str]]
    payload: bytes


def recover_abandoned(data_dir: str | os.PathLike, index=None) -> list[str]:
    """Close the files a crashed writer left open on this machine.

    The intact records are kept (and indexed, if the crash came between writing a
    record and indexing it) and the file is closed under its final name; the bytes
    of a record cut off mid-write are set aside in warc/incomplete/ as evidence.
    """
    data_dir = Path(data_dir)
    recovered = []
    host = socket.gethostname().split(".")[0] or "host"
    for path in sorted((data_dir / WARC_DIR).glob(f"*.warc.gz{OPEN_SUFFIX}")):
        writer = _writer_of(path.name)
        if writer is None or writer[0] != host or pid_alive(writer[1]):
            continue  # another machine's, or a writer still at work
        name = f"{WARC_DIR}/{path.name[: -len(OPEN_SUFFIX)]}"
        end, records = _scan(path, name)
        if end < path.stat().st_size:
            aside = data_dir / WARC_DIR / INCOMPLETE_DIR
            aside.mkdir(exist_ok=True)
            with open(path, "rb") as fh:
                fh.seek(end)
                (aside / (path.name[: -len(OPEN_SUFFIX)] + ".tail")).write_bytes(fh.read())
            with open(path, "r+b") as fh:
                fh.truncate(end)
        if index is not None:
            _forget_torn(index, name, end)
            known = {row["warc_record_id"] for row in index.query(
                "select warc_record_id from captures where warc_file = ?", [name])}
            for row in records:
                if row["warc_record_id"] not in known:
                    db.insert_capture(index, row)
        os.rename(path, path.with_name(path.name[: -len(OPEN_SUFFIX)]))
        recovered.append(name)
    return recovered


def _writer_of(file_name: str) -> tuple[str, int] | None:
    """(host, pid) of the writer that named a WARC file gongkai-STAMP-HOST-PID-SERIAL…;
    read from the right, since host names may hold hyphens themselves."""
    stem = file_name.split(".warc.gz", 1)[0]
    if not stem.startswith("gongkai-"):
        return None
    parts = stem[len("gongkai-"):].split("-", 1)
    if len(parts) < 2:
        return None
    host_pid_serial = parts[1].rsplit("-", 2)
    if len(host_pid_serial) != 3 or not host_pid_serial[1].isdigit():
        return None
    return host_pid_serial[0], int(host_pid_serial[1])


def _forget_torn(index, name: str, end: int) -> None:
    """Index rows of records cut off mid-write (the index may be ahead of the file after
    a power cut) point at bytes that are not a record: they go, the bytes are set aside."""
    with index.conn:
        index.conn.execute("delete from captures where warc_file = ? and offset >= ?",
                           [name, end])


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _scan(path: Path, name: str) -> tuple[int, list[dict]]:
    """Where the last complete record of a WARC file ends, and an index row for each."""
    end, rows = 0, []
    with open(path, "rb") as fh:
        iterator = ArchiveIterator(fh)
        try:
            for record in iterator:
                payload = record.raw_stream.read()
                offset = iterator.get_record_offset()
                end = offset + iterator.get_record_length()
                if record.rec_type == "warcinfo":
                    continue
                headers = record.http_headers
                status = None
                if record.rec_type in ("response", "revisit") and headers is not None:
                    status = int(headers.get_statuscode() or 0)
                rows.append({
                    "url": record.rec_headers.get_header("WARC-Target-URI").removeprefix(ABOUT),
                    "fetched_at": record.rec_headers.get_header("WARC-Date"),
                    "record_type": record.rec_type, "status": status,
                    "content_type": headers.get_header("Content-Type") if status else
                    record.rec_headers.get_header("Content-Type"),
                    "payload_sha256": None if record.rec_type in ("request", "revisit")
                    else hashlib.sha256(payload).hexdigest(),
                    "payload_length": len(payload),
                    "warc_record_id": record.rec_headers.get_header("WARC-Record-ID"),
                    "warc_file": name, "offset": offset, "length": end - offset, "site": None,
                })
        except Exception:  # the cut-off record: everything before it is intact
            pass
    return end, rows


def read_record(data_dir: str | os.PathLike, warc_file: str, offset: int, *,
                raw: bool = False) -> StoredRecord:
    """Read one record back by seeking to it; the rest of the file is not touched.

    The payload is decoded (gzip content-encoding undone) unless RAW asks for the
    bytes exactly as received; a payload decoding past the bound raises
    PayloadTooLarge (archive/bodies.py)."""
    path = Path(data_dir) / warc_file
    if not path.exists():
        path = path.with_name(path.name + OPEN_SUFFIX)  # still being written
    with open(path, "rb") as fh:
        fh.seek(offset)
        for record in ArchiveIterator(fh):
            status = None
            headers: list[tuple[str, str]] = []
            if record.http_headers is not None:
                headers = list(record.http_headers.headers)
                if record.rec_type in ("response", "revisit"):
                    status = int(record.http_headers.get_statuscode() or 0)
            return StoredRecord(
                url=record.rec_headers.get_header("WARC-Target-URI"),
                record_type=record.rec_type,
                status=status,
                headers=headers,
                # decoded in chunks and never past GONGKAI_MAX_DECODED_BYTES (a gzip bomb)
                payload=record.raw_stream.read() if raw else
                decode(record.raw_stream.read(), content_codings(headers)),
            )
    raise ValueError(f"no WARC record at {warc_file}:{offset}")


def read_capture(data_dir: str | os.PathLike, response: dict, *,
                 raw: bool = False) -> StoredRecord:
    """A row of the `responses` view read back: the status and headers of its own
    record, the payload from wherever the identical bytes were first written."""
    record = read_record(data_dir, response["warc_file"], response["offset"], raw=raw)
    if (response["payload_file"], response["payload_offset"]) != \
            (response["warc_file"], response["offset"]):
        payload = read_record(data_dir, response["payload_file"], response["payload_offset"],
                              raw=raw).payload
        record = StoredRecord(record.url, record.record_type, record.status, record.headers,
                              payload)
    return record


def _sha1_digest(body: bytes) -> str:
    # The algorithm and encoding warcio (and replay tools) use for WARC-Payload-Digest.
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def _s(value) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return _s(value)
    return None
