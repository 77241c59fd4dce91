"""Check the archive against its index: every record readable, every digest right.

Each WARC file is streamed once from start to end; nothing is loaded whole.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from gongkai.archive import db
from gongkai.archive.warc import ABOUT, OPEN_SUFFIX, WARC_DIR


@dataclass(frozen=True)
class Problem:
    warc_file: str
    offset: int | None
    message: str

    def __str__(self) -> str:
        where = self.warc_file if self.offset is None else f"{self.warc_file}@{self.offset}"
        return f"{where}: {self.message}"


@dataclass
class Report:
    files: int = 0
    records: int = 0
    problems: list[Problem] = None

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(data_dir: str | os.PathLike) -> Report:
    data_dir = Path(data_dir)
    database = db.open_database(data_dir)
    db.ensure_schema(database)
    # Rows by file and offset: two rows claiming one offset are both checked.
    indexed: dict[str, dict[int, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for row in database.query("select * from captures"):
        indexed[row["warc_file"]][row["offset"]].append(row)
    # Files still being written (".open") are checked as far as they go.
    on_disk = {f"{WARC_DIR}/{path.name.removesuffix(OPEN_SUFFIX)}": path
               # *.warc: an uncompressed file imported as it came (gongkai import)
               for pattern in ("*.warc.gz", "*.warc", f"*.warc.gz{OPEN_SUFFIX}")
               for path in (data_dir / WARC_DIR).glob(pattern)}
    report = Report(problems=[])

    for name in sorted(set(indexed) - set(on_disk)):
        count = sum(map(len, indexed[name].values()))
        report.problems.append(Problem(name, None, f"missing: {count} indexed "
                                                   "records point into a file that is gone"))
    for name in sorted(on_disk):
        report.files += 1
        report.problems.extend(_verify_file(on_disk[name], name, indexed.get(name, {}), report))
    return report


def _verify_file(path: Path, name: str, rows: dict[int, list[dict]],
                 report: Report) -> list[Problem]:
    problems = []
    with open(path, "rb") as fh:
        # Records are gzip members of their own, so each indexed record is checked
        # on its own: one damaged record does not hide the state of the others.
        for offset, claims in sorted(rows.items()):
            for row in claims:
                report.records += 1
                problem = _check_record(fh, offset, row)
                if problem:
                    problems.append(Problem(name, offset, problem))
        fh.seek(0)
        iterator = ArchiveIterator(fh)
        try:
            for record in iterator:
                record.raw_stream.read()
                offset = iterator.get_record_offset()
                if offset not in rows and record.rec_type != "warcinfo":
                    problems.append(Problem(name, offset,
                                            f"{record.rec_type} record is not in the index"))
        except Exception as error:  # damaged gzip or WARC framing
            problems.append(Problem(name, None, f"file is damaged (truncated or altered): "
                                                f"{_describe(error)}"))
    return problems


def _check_record(fh, offset: int, row: dict) -> str | None:
    fh.seek(offset)
    try:
        record = next(iter(ArchiveIterator(fh, check_digests=True)))
        payload = record.raw_stream.read()
    except StopIteration:
        return "indexed record is missing (file truncated)"
    except Exception as error:
        return f"altered or truncated: {_describe(error)}"
    if record.rec_headers.get_header("WARC-Record-ID") != row["warc_record_id"]:
        return "index points at a different record"
    # Headers no digest covers: the record must say what the index says it is.
    said = ((record.rec_headers.get_header("WARC-Target-URI") or "").removeprefix(ABOUT),
            record.rec_type, record.rec_headers.get_header("WARC-Date"))
    if said != (row["url"], row["record_type"], row["fetched_at"]):
        return "altered: the record's target, type or date differs from the index"
    return digest_problem(record, payload, row)


def digest_problem(record, payload: bytes, row: dict) -> str | None:
    """The record's own digests (block and payload) and the index's sha256 of the payload."""
    if not record.rec_headers.get_header("WARC-Block-Digest"):
        return "altered: the block digest is gone"  # every record we write carries one
    if record.digest_checker.problems:
        return "altered: " + "; ".join(record.digest_checker.problems)
    if row["payload_sha256"] and row["record_type"] not in ("request", "revisit") and \
            hashlib.sha256(payload).hexdigest() != row["payload_sha256"]:
        return "altered: payload sha256 differs from the index"
    return None


def _describe(error: Exception) -> str:
    text = str(error).splitlines()[0] if str(error) else ""
    text = "".join(c if c.isprintable() and c.isascii() else f"\\x{ord(c) & 0xff:02x}" for c in text)
    return f"{type(error).__name__}: {text[:80]}"
