"""Chinese search through Datasette's HTTP API on a generated database of N reports.

    .venv/bin/python benchmarks/search.py --reports 100000 --json search.json

Builds DIR/gongkai.db with N generated reports (title, agency, text; every report
contains 复议 and 公开), indexed exactly as `gongkai extract` indexes them
(gongkai.archive.search.report_tokens into report_tokens_fts), and beside it a plain
FTS5 index of the same text without segmentation (the baseline). Serves it with the
project's real Datasette command (metadata, plugins) and times ten queries of two to
six characters, each REPEAT times after a warm-up:

- `median_ms`, `p95_ms`: `/gongkai/reports.json?_search=Q&_shape=array` — the reports
  table's own search, as an API client calls it;
- `page_median_ms`, `page_p95_ms`: the HTML page `/gongkai/reports?_search=Q` with its
  count, facets and ranked, highlighted best matches;
- `baseline_median_ms`, `baseline_p95_ms`: the same queries as Datasette SQL on the
  plain index (which finds Chinese words only where they stand alone).

Writes {"reports", "median_ms", "p95_ms", "baseline_median_ms", …} to --json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import sqlite_utils

from gongkai.archive.search import report_tokens  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from conftest import free_port, wait_for_http  # noqa: E402  (the suite's launcher helpers)
from gongkai.cli import datasette_command  # noqa: E402

QUERIES = ["复议", "公开", "庄口镇", "财政局", "不予公开", "行政诉讼", "年度报告",
           "依申请公开", "規範性文件", "信息公开申请"]
SITES = [("huichang", "360733", "会昌县"), ("hukou", "360429", "湖口县"),
         ("shangyu", "330604", "上虞区"), ("sgwjq", "440203", "武江区")]
PLACES = "庄口 小密 站塘 珠兰 筠门岭 西江 周田 麻州 庄埠 富城 右水 高排 晓龙 清溪 永隆 洞头 湖口 流泗 均桥 舜湖".split()
UNITS = ["镇人民政府", "乡人民政府", "财政局", "教育局", "交通运输局", "自然资源局", "卫生健康委员会",
         "市场监督管理局", "人力资源和社会保障局", "住房和城乡建设局"]
SENTENCES = [
    "{agency}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》。",
    "全年主动公开政府信息{n}条，其中规范性文件{m}件，通过政府网站、政务新媒体等渠道及时发布。",
    "本年度共收到政府信息公开申请{n}件，上年结转{m}件，均已在法定期限内答复。",
    "办理结果中，予以公开{n}件，部分公开{m}件，不予公开{k}件，无法提供{m}件。",
    "因政府信息公开引起的行政复议{k}件、行政诉讼{m}件，均已审结。",
    "加强政府信息公开平台建设，规范信息发布审核流程，确保发布信息准确、及时。",
    "存在的主要问题：主动公开的深度和广度还不够，部分栏目更新不及时，依申请公开答复的规范性有待提高。",
    "下一步，我们将进一步完善工作机制，加强业务培训，提升政府信息公开工作质量。",
    "围绕重大建设项目、公共资源配置、社会公益事业等重点领域，推进政务公开标准化规范化。",
    "本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
    "如对本报告有疑问，请与{agency}办公室联系。",
    "不收取信息处理费，没有发生因收费引起的投诉。",
]


def make_report(rng: random.Random, i: int) -> dict:
    site, region, county = SITES[i % len(SITES)]
    unit = rng.choice(UNITS)
    place = rng.choice(PLACES) if unit.endswith("人民政府") else ""
    agency = f"{county}{place}{unit}"
    year = rng.randint(2019, 2024)
    numbers = {"n": rng.randint(0, 900), "m": rng.randint(0, 40), "k": rng.randint(0, 9),
               "agency": agency, "year": year}
    picked = [SENTENCES[0], SENTENCES[4]] + rng.sample(SENTENCES[1:], 6)
    text = "\n".join(s.format(**numbers) for s in picked)
    title = f"{agency}{year}年政府信息公开工作年度报告"
    return {"id": i + 1, "url": f"http://bench.example/{site}/{i + 1}.html", "site": site,
            "agency_id": hash(agency) % 100000, "agency": agency, "agency_kind":
            "township" if place else "department", "report_year": year,
            "template": "t2021" if year >= 2021 else "t2019", "title": title,
            "published": f"{year + 1}-01-{rng.randint(10, 28)}", "failed_checks": 0,
            "text": text, "superseded_by": None}


def build(path: Path, count: int, seed: int = 1) -> float:
    started = time.monotonic()
    database = sqlite_utils.Database(path)
    database.execute("pragma journal_mode = wal")
    rng = random.Random(seed)
    database["portals"].insert_all([{"site": s, "title": f"{c}人民政府", "region": r}
                                    for s, r, c in SITES], pk="site")
    database["reports"].create({
        "id": int, "url": str, "site": str, "agency_id": int, "agency": str, "agency_kind": str,
        "report_year": int, "template": str, "title": str, "published": str,
        "failed_checks": int, "text": str, "superseded_by": int}, pk="id")
    database["report_tokens"].create({"report_id": int, "tokens": str}, pk="report_id")
    batch, tokens = [], []
    for i in range(count):
        report = make_report(rng, i)
        batch.append(report)
        tokens.append({"report_id": report["id"], "tokens": report_tokens(
            report["title"], report["agency"], report["text"])})
        if len(batch) == 5000:
            database["reports"].insert_all(batch)
            database["report_tokens"].insert_all(tokens)
            batch, tokens = [], []
            print(f"  {i + 1} reports", file=sys.stderr, end="\r")
    database["reports"].insert_all(batch)
    database["report_tokens"].insert_all(tokens)
    # as archive/database.py builds it
    database["report_tokens"].enable_fts(["tokens"], create_triggers=False)
    database.execute("insert into report_tokens_fts(report_tokens_fts) values ('rebuild')")
    database.execute("create virtual table plain_fts using fts5(title, text, content='reports', "
                     "content_rowid='id')")
    database.execute("insert into plain_fts(plain_fts) values ('rebuild')")
    database["reports"].create_index(["report_year"])
    database.execute("pragma wal_checkpoint(truncate)")
    database.conn.commit()
    return time.monotonic() - started


def timed(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(round(0.95 * len(values))) - 1)]


def measure(base: str, repeat: int) -> dict:
    api, page, baseline, per_query = [], [], [], {}
    for query in QUERIES:
        q = urllib.parse.quote(query)
        api_url = f"{base}/gongkai/reports.json?_search={q}&_shape=array&_size=20"
        page_url = f"{base}/gongkai/reports?_search={q}"
        sql = ("select id, title from reports where id in (select rowid from plain_fts "
               "where plain_fts match :q) order by id desc limit 20")
        base_url = f"{base}/gongkai.json?" + urllib.parse.urlencode(
            {"sql": sql, "q": f'"{query}"', "_shape": "array"})
        for url in (api_url, page_url, base_url):
            timed(url)  # warm-up
        times = [timed(api_url) for _ in range(repeat)]
        api += times
        page += [timed(page_url) for _ in range(repeat)]
        baseline += [timed(base_url) for _ in range(repeat)]
        with urllib.request.urlopen(api_url) as response:
            found = len(json.load(response))
        per_query[query] = {"median_ms": round(statistics.median(times), 2), "rows": found}
    return {"median_ms": round(statistics.median(api), 2), "p95_ms": round(p95(api), 2),
            "page_median_ms": round(statistics.median(page), 2), "page_p95_ms": round(p95(page), 2),
            "baseline_median_ms": round(statistics.median(baseline), 2),
            "baseline_p95_ms": round(p95(baseline), 2), "queries": per_query}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=10000)
    parser.add_argument("--json", dest="out", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dir", help="build in (or reuse the database of) this folder")
    args = parser.parse_args()
    folder = Path(args.dir or tempfile.mkdtemp(prefix="gongkai-search-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "gongkai.db"
    build_seconds = None
    if not path.exists():
        build_seconds = round(build(path, args.reports), 1)
        print(f"built {args.reports} reports in {build_seconds} s", file=sys.stderr)
    port = free_port()
    server = subprocess.Popen(datasette_command(str(folder), "127.0.0.1", port),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + "/-/versions.json", timeout=300)
        result = {"reports": args.reports, **measure(base, args.repeat),
                  "build_seconds": build_seconds}
    finally:
        server.terminate()
        server.wait(timeout=30)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
