"""The hostile documents of issue 12, archived for real, through `gongkai extract`.

    .venv/bin/python benchmarks/hostile_archive.py [--time-limit 60] [--memory-limit 1024]

Every document of tests/hostile_documents.py and the two real reports beside them are
written into WARC files as report pages, then read back the way the build reads them:
first one at a time through the extraction workers (each document's seconds, the
worker's peak RSS sampled from /proc, and its outcome), then a whole `gongkai extract`
of the archive (wall time, exit code, what extraction_failures and reports say).
Targets (issue 12): every document done within 60 s under 1 GB with a recorded reason;
the real reports keep their figures; the extract exits 0.
"""
from __future__ import annotations

import argparse
import mimetypes
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from hostile_documents import HOSTILE, REAL, make  # noqa: E402

from gongkai.archive import db  # noqa: E402
from gongkai.archive.isolation import ExtractionFailed, Limits, Workers  # noqa: E402
from gongkai.archive.warc import WarcStore  # noqa: E402

TITLE = "某某镇2023年政府信息公开工作年度报告"


def archive(folder: Path, data_dir: Path) -> None:
    store = WarcStore(data_dir, site="hostile")
    for name in [*HOSTILE, *REAL]:
        body = make(name, folder).read_bytes()
        url = f"http://hostile.example/xxgk/{name.replace('.', '_')}/{name}"
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        capture = store.write_exchange(
            url=url, method="GET", request_headers=[], request_body=b"", status=200,
            reason="OK", response_headers=[(b"Content-Type", kind.encode())], body=body)
        store.write_metadata(url, {"kind": "report_page", "url": url, "site": "hostile",
                                   "unit": name, "column": f"/xxgk/{name}/",
                                   "list_title": TITLE, "capture": {"id": capture.id}})
    store.close()


def peak_rss_mb(pids) -> int:
    peak = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) // 1024)
        except OSError:
            continue
    return peak


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if stat.read_text().rsplit(")", 1)[1].split()[1] == str(pid):
                found.append(int(stat.parent.name))
        except OSError:
            continue
    return found


class Sampler(threading.Thread):
    """The highest peak RSS of this process's grandchildren (the pool's workers)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self.stop = 0, threading.Event()

    def run(self):
        while not self.stop.wait(0.05):
            workers = [w for child in children_of(os.getpid()) for w in children_of(child)]
            self.peak = max(self.peak, peak_rss_mb(workers))


def one_at_a_time(data_dir: Path, limits: Limits) -> None:
    database = db.open_database(data_dir)
    rows = [dict(r) for r in database.query("select * from responses where status = 200")]
    database.conn.close()
    print(f"{'document':32} {'seconds':>7} {'peak MB':>8}  outcome")
    with Workers(data_dir, limits) as workers:
        for row in rows:
            sampler = Sampler()
            sampler.start()
            started = time.monotonic()
            try:
                result = workers.extract(row, {"title": TITLE})
                outcome = (f"{len(result['figures'])} figures; "
                           + ("; ".join(result["warnings"])[:90] or "no warning"))
            except ExtractionFailed as failure:
                outcome = f"FAILED: {failure.reason[:100]}"
            seconds = time.monotonic() - started
            sampler.stop.set()
            sampler.join()
            print(f"{row['url'].rsplit('/', 1)[1]:32} {seconds:7.1f} {sampler.peak:8d}  {outcome}",
                  flush=True)


def whole_extract(data_dir: Path, limits: Limits) -> None:
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "gongkai.cli", "extract", "--data",
                             str(data_dir), "--time-limit", str(limits.seconds),
                             "--memory-limit", str(limits.memory_mb)],
                            cwd=REPO, capture_output=True, text=True)
    seconds = time.monotonic() - started
    print(f"\ngongkai extract: exit {result.returncode} in {seconds:.1f} s")
    print("\n".join(result.stderr.strip().splitlines()[-2:]))
    database = db.open_database(data_dir)
    for row in database.query("select url, figure_count, extraction_failure from reports "
                              "where url like '%real_report%'"):
        print(f"  {row['url'].rsplit('/', 1)[1]}: {row['figure_count']} figures "
              f"{row['extraction_failure'] or ''}")
    unexplained = [row["url"] for row in database.query(
        "select r.url from reports r where r.figure_count = 0 and r.extraction_failure is null "
        "and r.warning_count = 0")]
    print(f"  documents without figures and without a recorded reason: {len(unexplained)} "
          f"{unexplained}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--time-limit", type=float, default=60)
    parser.add_argument("--memory-limit", type=int, default=1024)
    args = parser.parse_args()
    limits = Limits(seconds=args.time_limit, memory_mb=args.memory_limit, workers=1)
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "data"
        archive(Path(folder), data_dir)
        one_at_a_time(data_dir, limits)
        whole_extract(data_dir, limits)


if __name__ == "__main__":
    main()
