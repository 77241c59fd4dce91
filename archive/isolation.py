"""Each archived document read in a worker process, under a time and a memory limit.

One document that hangs the extractor, fills memory or crashes it costs that document
alone: its worker is killed (past the time limit) or dies, pebble starts another, and
the document is recorded as failed with a short reason (the `extraction_failures`
table). Workers come from a fork server, so each starts small whatever the size of
the process building the database, and are limited with RLIMIT_AS.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import resource
import signal
from collections import Counter
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, Iterator

from pebble import ProcessExpired, ProcessPool

from gongkai.archive.extract import EXTRACTOR_VERSION

# A worker's caches (layout plans, squashed labels) speed up the next documents; a
# fresh worker now and then bounds whatever else a long run leaves behind.
TASKS_PER_WORKER = 500


@dataclass(frozen=True)
class Limits:
    """The named settings of `gongkai extract` (options, or GONGKAI_EXTRACT_* variables)."""
    seconds: float = 60.0          # GONGKAI_EXTRACT_TIME_LIMIT: per document
    memory_mb: int = 1024          # GONGKAI_EXTRACT_MEMORY_MB: address space of a worker
    workers: int = 0               # GONGKAI_EXTRACT_WORKERS: 0 = one per core
    retry_failed: bool = False     # documents that failed under this version and limits

    @classmethod
    def from_env(cls) -> "Limits":
        env = os.environ
        return cls(seconds=float(env.get("GONGKAI_EXTRACT_TIME_LIMIT", cls.seconds)),
                   memory_mb=int(env.get("GONGKAI_EXTRACT_MEMORY_MB", cls.memory_mb)),
                   workers=int(env.get("GONGKAI_EXTRACT_WORKERS", cls.workers)))

    def worker_count(self) -> int:
        return self.workers or os.cpu_count() or 1


class ExtractionFailed(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _start_worker(memory_mb: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
    # Die with the fork server, which dies with the build: a killed extract leaves no
    # worker behind.
    import ctypes
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    # Some readers print warnings on stdout (xlrd): keep stdout for the command's output.
    os.dup2(2, 1)


def _read_and_extract(data_dir, capture: dict, hints: dict) -> dict:
    from gongkai.archive.extract import extract_document
    from gongkai.archive.warc import read_capture

    record = read_capture(data_dir, capture)
    content_type = dict((k.lower(), v) for k, v in record.headers).get("content-type")
    return extract_document(record.payload, content_type=content_type, filename=capture["url"],
                            hints=hints)


def _context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["gongkai.archive.extract", "gongkai.archive.warc"])
    return context


def _key(capture: dict, hints: dict) -> tuple:
    return capture["id"], tuple(sorted(hints.items()))


class Workers:
    """Extractions done in worker processes; `plan` names documents to start ahead,
    so every core is busy while the build writes what came back."""

    def __init__(self, data_dir, limits: Limits, known_failures: dict[str, dict] | None = None):
        self.data_dir, self.limits = str(data_dir), limits
        # payload sha256 → failure of this extractor version under limits no larger
        self.known = {} if limits.retry_failed else dict(known_failures or {})
        self.failures: dict[int, dict] = {}   # capture id → row of extraction_failures
        self._futures: dict[tuple, object] = {}
        self._ahead: Iterator[tuple[dict, dict]] = iter(())
        self._pool = ProcessPool(max_workers=limits.worker_count(), max_tasks=TASKS_PER_WORKER,
                                 initializer=_start_worker, initargs=(limits.memory_mb,),
                                 context=_context())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._pool.stop()
        self._pool.join()

    def plan(self, jobs: Iterable[tuple[dict, dict]]) -> None:
        self._ahead = iter(jobs)
        self._fill()

    def _fill(self) -> None:
        window = 4 * self.limits.worker_count()
        for capture, hints in self._ahead:
            key = _key(capture, hints)
            if key not in self._futures and capture.get("payload_sha256") not in self.known:
                self._futures[key] = self._submit(capture, hints)
            if len(self._futures) >= window:
                return

    def _submit(self, capture: dict, hints: dict):
        return self._pool.schedule(_read_and_extract, (self.data_dir, capture, hints),
                                   timeout=self.limits.seconds)

    def extract(self, capture: dict, hints: dict) -> dict:
        """The extraction of one archived document, or ExtractionFailed with the reason."""
        if capture["id"] in self.failures:  # asked again (its history): no second try
            raise ExtractionFailed(self.failures[capture["id"]]["reason"])
        known = self.known.get(capture.get("payload_sha256"))
        if known:
            self.failures.setdefault(capture["id"], {**known, "capture_id": capture["id"],
                                                     "url": capture["url"],
                                                     "site": capture.get("site")})
            raise ExtractionFailed(known["reason"])
        future = self._futures.pop(_key(capture, hints), None) or self._submit(capture, hints)
        self._fill()
        try:
            result = future.result()
        except Exception as error:  # whatever the document did to its worker
            reason, kind = self.reason(error)
            self.failures.setdefault(capture["id"], self._failure(capture, reason, kind))
            raise ExtractionFailed(reason) from None
        if result.get("refused"):
            # past one of the extractor's own bounds (extract/limits.py): read as nothing
            bound = result["refused"]
            reason = next((w for w in result.get("warnings", []) if bound in w),
                          f"over the bound {bound}")
            self.failures.setdefault(capture["id"], self._failure(capture, reason, "refused"))
            result["extraction_failure"] = reason
        return result

    def reason(self, error: BaseException) -> tuple[str, str]:
        if isinstance(error, FutureTimeout):
            return f"over the time limit ({self.limits.seconds:g} s)", "time"
        if isinstance(error, MemoryError):
            return f"over the memory limit ({self.limits.memory_mb} MB)", "memory"
        if isinstance(error, ProcessExpired):
            code = error.exitcode
            how = signal.Signals(-code).name if code and code < 0 else f"exit code {code}"
            return f"worker died ({how})", "died"
        where = re.findall(r'File "[^"]*?([^/"]+)", line (\d+)', getattr(error, "traceback", ""))
        place = f" ({where[-1][0]}:{where[-1][1]})" if where else ""
        return f"{type(error).__name__}: {str(error)[:200]}{place}", type(error).__name__

    def _failure(self, capture: dict, reason: str, kind: str) -> dict:
        return {"capture_id": capture["id"], "url": capture["url"], "site": capture.get("site"),
                "payload_sha256": capture.get("payload_sha256"), "kind": kind, "reason": reason,
                "extractor_version": EXTRACTOR_VERSION,
                "failed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "time_limit_s": self.limits.seconds, "memory_limit_mb": self.limits.memory_mb}


def remembered(rows: Iterable[dict], limits: Limits) -> dict[str, dict]:
    """Earlier failures not worth trying again: same extractor version, limits no larger."""
    return {row["payload_sha256"]: row for row in rows
            if row.get("payload_sha256") and row.get("kind") != "refused"
            and row.get("extractor_version") == EXTRACTOR_VERSION
            and (row.get("time_limit_s") or 0) >= limits.seconds
            and (row.get("memory_limit_mb") or 0) >= limits.memory_mb}


def summary(failures: Iterable[dict]) -> str:
    """'2 over the time limit (60 s); 3 refused by the extractor's bounds (max_span ×2,
    max_pdf_pages); 1 IndexError: … (tables.py:12)' — the largest group first."""
    groups: dict[str, list[str]] = {}
    for failure in failures:
        groups.setdefault(failure["kind"], []).append(failure["reason"])
    parts = []
    for kind, reasons in sorted(groups.items(), key=lambda group: -len(group[1])):
        if kind == "refused":
            bounds = Counter(_bound(reason) for reason in reasons)
            named = ", ".join(bound if n == 1 else f"{bound} ×{n}"
                              for bound, n in bounds.most_common())
            parts.append(f"{len(reasons)} refused by the extractor's bounds ({named})")
        else:
            parts.append(f"{len(reasons)} {reasons[0]}")
    return "; ".join(parts)


def _bound(reason: str) -> str:
    found = re.search(r"bound (\w+)", reason) or re.search(r"\((?:the bound )?(max_\w+)\)",
                                                           reason)
    return found.group(1) if found else "?"
