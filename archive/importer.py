"""Import WARC files made elsewhere (Wayback Machine downloads, Browsertrix, wget
--warc-file) into the archive: evidence from before gongkai ran.

The file is copied under the data folder's warc/ unchanged (byte for byte, gzip or not,
WARC 1.0 or 1.1) and each of its records is indexed in `captures` as it says itself:
its target URI, type and WARC-Date (as fetched_at), so `gongkai verify` checks it like our
own. Imported captures belong to no crawl run; a report page first seen there counts as
the first sighting, and a list page archived there without a report proves its absence
on that day (archive/sightings.py).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator

from gongkai.archive import db
from gongkai.archive.deadline_rules import SITES_DIR
from gongkai.archive.sightings import unwrap_wayback
from gongkai.archive.warc import ABOUT, WARC_DIR

PREFIX = "import-"
CHUNK = 1 << 16


class NotWarc(ValueError):
    """The file is not a WARC file (an ARC file, or no archive at all)."""


@dataclass
class Imported:
    source: str
    warc_file: str                       # where the copy is, relative to the data folder
    indexed: Counter = field(default_factory=Counter)   # record type → records indexed
    known: int = 0                       # records indexed by an earlier import
    unresolved: int = 0                  # revisit records whose original is not archived
    first: str | None = None             # earliest and latest WARC-Date
    last: str | None = None
    problems: list[str] = field(default_factory=list)


def import_warc(data_dir: str | os.PathLike, source: str | os.PathLike,
                site: str | None = None) -> Imported:
    """Copy SOURCE into DATA_DIR/warc/ and index its records; a damaged record ends the
    indexing of that file (what came before it stays indexed) and is named in problems."""
    data_dir, source = Path(data_dir), Path(source)
    name = _copy(data_dir, source)
    result = Imported(str(source), f"{WARC_DIR}/{name}")
    database = db.open_database(data_dir)
    db.ensure_schema(database)
    known = {row["warc_record_id"] for row in database.query(
        "select warc_record_id from captures where warc_file = ?", [result.warc_file])}
    hosts = _registry_hosts()
    digests: dict[str, int] = {}   # WARC-Payload-Digest → response capture id, this file
    with open(data_dir / result.warc_file, "rb") as fh:
        iterator = ArchiveIterator(fh, arc2warc=False, check_digests=True)
        try:
            for record in iterator:
                if record.format != "warc":
                    raise NotWarc(f"{source}: an ARC file, not WARC")
                sha256, length = _hash(record)
                row = _row(record, iterator, result.warc_file, sha256, length)
                if row is None:
                    continue
                damage = _damage(record)
                if damage:   # cut short or altered: not evidence
                    result.problems.append(f"{result.warc_file}@{row['offset']}: record "
                                           f"damaged ({damage})")
                    continue
                if row["warc_record_id"] in known:
                    result.known += 1
                    continue
                row["site"] = site or hosts.get(urlsplit(unwrap_wayback(row["url"])).hostname or "")
                if row["record_type"] == "revisit":
                    _resolve(database, record, row, digests, result)
                capture_id = db.insert_capture(database, row)
                digest = record.rec_headers.get_header("WARC-Payload-Digest")
                if row["record_type"] == "response" and digest:
                    digests.setdefault(digest, capture_id)
                result.indexed[row["record_type"]] += 1
                result.first = min(filter(None, [result.first, row["fetched_at"]]))
                result.last = max(filter(None, [result.last, row["fetched_at"]]))
        except NotWarc:
            raise
        except Exception as error:  # damaged gzip or WARC framing: keep what came before
            result.problems.append(f"{result.warc_file}: damaged after "
                                   f"{sum(result.indexed.values())} records: {error}")
    database.conn.close()
    return result


def _copy(data_dir: Path, source: Path) -> str:
    """Copy SOURCE under warc/ as import-<sha256 prefix>-<name>; a file already imported
    is not copied twice. The copy is written aside and renamed: never half a file."""
    digest = hashlib.sha256()
    with open(source, "rb") as fh:
        head = fh.read(2)
        fh.seek(0)
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    stem = source.name.removesuffix(".gz").removesuffix(".warc")
    suffix = ".warc.gz" if head == b"\x1f\x8b" else ".warc"
    name = f"{PREFIX}{digest.hexdigest()[:16]}-{stem}{suffix}"
    folder = data_dir / WARC_DIR
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / name).exists():
        partial = folder / (name + ".part")
        shutil.copyfile(source, partial)
        os.replace(partial, folder / name)
    return name


def _hash(record) -> tuple[str, int]:
    """sha256 and length of the record's payload as stored (read in chunks)."""
    digest, length = hashlib.sha256(), 0
    for chunk in iter(lambda: record.raw_stream.read(CHUNK), b""):
        digest.update(chunk)
        length += len(chunk)
    return digest.hexdigest(), length


def _damage(record) -> str | None:
    """Why a record read to its end cannot be trusted: its block ends before its
    Content-Length (a file cut short), or its digests do not match."""
    left = getattr(record.raw_stream, "limit", 0)
    if left:
        return f"{left} bytes short of its Content-Length"
    return "; ".join(record.digest_checker.problems) or None


def _row(record, iterator, warc_file: str, sha256: str, length: int) -> dict | None:
    if record.rec_type == "warcinfo":
        return None
    headers = record.rec_headers
    http = record.http_headers
    status = None
    if record.rec_type in ("response", "revisit") and http is not None:
        status = int(http.get_statuscode() or 0) or None
    content_type = http.get_header("Content-Type") if status else \
        headers.get_header("Content-Type")
    offset = iterator.get_record_offset()
    return {
        "url": (headers.get_header("WARC-Target-URI") or "").removeprefix(ABOUT),
        "fetched_at": headers.get_header("WARC-Date"),
        "record_type": record.rec_type, "status": status, "content_type": content_type,
        "payload_sha256": None if record.rec_type in ("request", "revisit") else sha256,
        "payload_length": length, "warc_record_id": headers.get_header("WARC-Record-ID"),
        "warc_file": warc_file, "offset": offset, "length": iterator.get_record_length(),
        "crawl_run": None,
    }


def _resolve(database, record, row: dict, digests: dict, result: Imported) -> None:
    """A revisit points at the capture holding its bytes: by record id, by target and
    date, or by payload digest within the same file. Unresolved, it is kept without a
    status: a fetch on that day, but no content to read."""
    headers = record.rec_headers
    original = None
    refers_to = headers.get_header("WARC-Refers-To")
    if refers_to:
        original = next(database.query(
            "select id from captures where warc_record_id = ?", [refers_to]), None)
    target, when = (headers.get_header("WARC-Refers-To-Target-URI"),
                    headers.get_header("WARC-Refers-To-Date"))
    if original is None and target and when:
        original = next(database.query(
            "select id from captures where url = ? and fetched_at = ? and "
            "record_type = 'response'", [target, when]), None)
    if original is None and headers.get_header("WARC-Payload-Digest") in digests:
        original = {"id": digests[headers.get_header("WARC-Payload-Digest")]}
    if original is None:
        result.unresolved += 1
        row["status"] = None
        return
    row["refers_to"] = original["id"]
    source = next(database.query("select payload_sha256 from captures where id = ?",
                                 [original["id"]]))
    row["payload_sha256"] = source["payload_sha256"]


def _registry_hosts() -> dict[str, str]:
    """Host → site name, from the registry files (crawler/sites/*.toml)."""
    hosts = {}
    for path in sorted(SITES_DIR.glob("*.toml")) if SITES_DIR.is_dir() else []:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for url in [data.get("base_url", ""), *(f"http://{h}/" for h in data.get("hosts", []))]:
            host = urlsplit(url).hostname
            if host:
                hosts.setdefault(host, data.get("name", path.stem))
    return hosts
