"""Measure the extractor against ground truth: the simulated portal's, and a folder of real
reports with hand-verified figures (../shared/corpus).

Per form and template: cell recall (cells extracted / cells in the document), cell
precision (correct / extracted) and the number of reports whose every figure is right.
A figure the extractor derives (t2021's （六）其他处理 total) is printed nowhere, so it is
scored only where the truth has it.

    python -m simulator.evaluate [--corpus DIR] [--seed N] [--agencies N] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from gongkai.archive.extract import extract_document, extract_file

TABLE_FORMS = ("html", "pdf", "docx", "xlsx", "xls")
CONTENT_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "xls": "application/vnd.ms-excel", "png": "image/png"}
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


# ---------------------------------------------------------------- scoring

def score(result: dict, truth: dict) -> dict:
    """Cells of `truth` against the figures of an extraction result."""
    derived = set(result.get("derived", ()))
    figures = {k: v for k, v in result["figures"].items() if k not in derived or k in truth}
    wrong = [{"key": k, "expected": truth.get(k, "(not printed)"), "got": v}
             for k, v in figures.items() if k not in truth or truth[k] != v
             or (truth[k] is None) != (v is None)]
    missing = [k for k in truth if k not in figures]
    return {"cells": len(truth), "extracted": len(figures), "correct": len(figures) - len(wrong),
            "found": len(figures) - sum(1 for w in wrong if w["key"] not in truth),
            "wrong": wrong, "missing": missing, "all_right": not wrong and not missing}


def _add(total: dict, part: dict) -> None:
    for key in ("cells", "extracted", "correct", "found"):
        total[key] = total.get(key, 0) + part[key]
    total["reports"] = total.get("reports", 0) + 1
    total["all_right"] = total.get("all_right", 0) + int(part["all_right"])


def rates(total: dict) -> dict:
    cells, extracted = total.get("cells", 0), total.get("extracted", 0)
    return {"recall": total.get("found", 0) / cells if cells else None,
            "precision": total.get("correct", 0) / extracted if extracted else None}


# ---------------------------------------------------------------- the simulated portal

_WEB = None
_REPORTS: list = []


def _build_web(seed: int, agencies: int):
    """The simulated web, built once per process (workers rebuild it: same seed, same web)."""
    global _WEB, _REPORTS
    from simulator.web import build_portal

    _WEB = build_portal(seed=seed, families="all", agencies=agencies)
    _REPORTS = [(site, report) for site in _WEB.family_sites
                for report in getattr(site, "reports", []) if report.visible(site.clock)]


def _documents(site, report, truth: dict):
    """(form, bytes, filename) of every document that carries the report's tables: its own
    page when the tables are inline, and its tables in every attachment form."""
    from simulator.documents import document_bytes, pdf_bytes
    from simulator.flattened import STYLES as FLAT_STYLES, flattened_text

    shown = report.at(site.clock)
    if truth["form"] == "html":
        response = _WEB.respond("GET", truth["url"])
        yield "html", response.body, truth["url"]
    if truth["form"] == "image":
        response = _WEB.respond("GET", truth["url"])
        yield "image_page", response.body, truth["url"]
        yield "png", document_bytes(shown, "png", 0), "scan.png"
        return
    for kind in TABLE_FORMS[1:]:
        yield kind, document_bytes(shown, kind), f"report.{kind}"
    yield "pdf_unruled", pdf_bytes(shown, ruled=False), "report.pdf"
    for style in FLAT_STYLES:       # the page's text as web archives keep it
        yield f"text_{style}", flattened_text(shown, style).encode("utf-8"), "report.txt"


# A short row (5 figures for 7 columns) cannot be printed in a spreadsheet, the generator's
# Word tables are full grids, and without rulings the 5 figures stand under 5 column labels:
# the row reads as 5 figures and 2 blanks, while the truth leaves the row out. Those cells
# are not scored.
PADDED_FORMS = ("docx", "xlsx", "xls", "pdf_unruled")


def _padded_keys(truth: dict) -> set[str]:
    from simulator.figures import APPLICATION_COLUMNS

    rows = [row for d in truth.get("defects", []) if d.get("kind") == "short_rows"
            for row in d.get("rows", [])]
    return {f"applications.{row}.{col}" for row in rows for col in APPLICATION_COLUMNS}


def _evaluate_report(index: int) -> list[dict]:
    from simulator.flattened import flattened_truth
    from simulator.truth import report_truth

    site, report = _REPORTS[index]
    base = f"http://{site.host}"
    truth = report_truth(report, base, site)
    if truth["template"] not in ("t2019", "t2021"):
        return []
    out = []
    for form, data, name in _documents(site, report, truth):
        result = extract_document(data, filename=name, content_type=CONTENT_TYPES.get(form))
        expected = truth["figures"] if truth["text_extractable"] else {}
        if form.startswith("text_"):
            expected = flattened_truth(expected)
        padded = _padded_keys(truth) if form in PADDED_FORMS else set()
        if padded:
            result = {**result, "figures": {k: v for k, v in result["figures"].items()
                                            if k not in padded}}
        row = {"form": form, "template": truth["template"], "url": truth["url"],
               "score": score(result, expected),
               "no_text": {"expected": not truth["text_extractable"], "got": result["no_text"]},
               "template_ok": result["template"] == truth["template"] or
               not truth["text_extractable"],
               "year_ok": result["report_year"] == truth["report_year"] or form != "html"}
        if form == "html":
            row["published_ok"] = result["published"] == truth["published"]
        row["unscored"] = len(padded)
        out.append(row)
    return out


def evaluate_portal(seed: int = 1, agencies: int = 24, jobs: int | None = None) -> dict:
    """Every report of a four-family simulated web, in every form that carries its tables."""
    _build_web(seed, agencies)
    count = len(_REPORTS)
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1:
        with ProcessPoolExecutor(jobs, initializer=_build_web, initargs=(seed, agencies)) as pool:
            rows = [r for part in pool.map(_evaluate_report, range(count), chunksize=4)
                    for r in part]
    else:
        rows = [r for i in range(count) for r in _evaluate_report(i)]
    groups: dict[str, dict] = defaultdict(dict)
    failures = []
    for row in rows:
        key = f"{row['form']} {row['template']}"
        _add(groups[key], row["score"])
        g = groups[key]
        g["no_text_ok"] = g.get("no_text_ok", 0) + int(row["no_text"]["expected"] ==
                                                        row["no_text"]["got"])
        g["template_ok"] = g.get("template_ok", 0) + int(row["template_ok"])
        g["unscored"] = g.get("unscored", 0) + row["unscored"]
        if "published_ok" in row:
            g["published_ok"] = g.get("published_ok", 0) + int(row["published_ok"])
        if not row["score"]["all_right"]:
            failures.append({"form": row["form"], "url": row["url"],
                             "wrong": row["score"]["wrong"][:5],
                             "missing": row["score"]["missing"][:5]})
    return {"seed": seed, "agencies": agencies, "reports": count,
            "groups": {k: {**v, **rates(v)} for k, v in sorted(groups.items())},
            "failures": failures}


# ---------------------------------------------------------------- real reports

def evaluate_file(path: Path, entry: dict) -> dict:
    result = extract_file(path)
    s = score({"figures": {k: v for k, v in result["figures"].items()
                           if k in (entry.get("expected") or {})}}, entry.get("expected") or {})
    statuses = {c["rule"]: c["status"] for c in result["checks"]}
    checks = {rule: {"expected": want, "got": statuses.get(rule),
                     "agree": statuses.get(rule) == want}
              for rule, want in (entry.get("expected_checks") or {}).items()}
    return {
        "file": entry["file"],
        "form": result["form"],
        "template": {"expected": entry.get("template"), "got": result["template"]},
        "report_year": {"expected": entry.get("report_year"), "got": result["report_year"]},
        "agency": {"expected": entry.get("agency"), "got": result["agency"]},
        "expected_keys": s["cells"],
        "found": s["found"],
        "correct": s["correct"],
        "wrong": s["wrong"],
        "missing": s["missing"],
        "checks": checks,
        "warnings": len(result["warnings"]),
    }


def evaluate_corpus(corpus_dir: str | Path) -> dict:
    """Per-file and total counts of expected keys found/correct/wrong/missing, and
    agreement with the manifest's expected check statuses. Only expected keys are
    scored: the manifest leaves out what could not be verified."""
    corpus_dir = Path(corpus_dir)
    manifest = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    files, skipped = [], []
    for entry in manifest:
        path = corpus_dir / entry["file"]
        if not path.exists():
            skipped.append({"file": entry["file"], "reason": "file missing"})
        else:
            files.append(evaluate_file(path, entry))
    checks = [c for f in files for c in f["checks"].values()]
    totals = {
        "files": len(files),
        "expected_keys": sum(f["expected_keys"] for f in files),
        "found": sum(f["found"] for f in files),
        "correct": sum(f["correct"] for f in files),
        "wrong": sum(len(f["wrong"]) for f in files),
        "missing": sum(len(f["missing"]) for f in files),
        "checks_expected": len(checks),
        "checks_agree": sum(c["agree"] for c in checks),
        "template_agree": sum(f["template"]["expected"] == f["template"]["got"] for f in files),
        "year_agree": sum(f["report_year"]["expected"] == f["report_year"]["got"]
                          for f in files),
    }
    return {"corpus": str(corpus_dir), "files": files, "skipped": skipped, "totals": totals}


# ---------------------------------------------------------------- printing

def _pct(x) -> str:
    return "   -  " if x is None else f"{100 * x:6.2f}%"


def format_portal(report: dict) -> str:
    lines = [f"simulated portal: seed {report['seed']}, {report['agencies']} agencies, "
             f"{report['reports']} reports",
             f"{'form':<18}{'template':<9}{'reports':>8}{'cells':>8}{'extracted':>10}"
             f"{'recall':>9}{'precision':>10}{'all right':>10}{'no_text ok':>11}"
             f"{'template ok':>12}"]
    for key, g in report["groups"].items():
        form, template = key.split()
        lines.append(f"{form:<18}{template:<9}{g['reports']:>8}{g['cells']:>8}"
                     f"{g['extracted']:>10}{_pct(g['recall']):>9}{_pct(g['precision']):>10}"
                     f"{g['all_right']:>6}/{g['reports']:<3}{g['no_text_ok']:>7}/{g['reports']:<3}"
                     f"{g['template_ok']:>8}/{g['reports']}")
    unscored = sum(g.get("unscored", 0) for g in report["groups"].values())
    if unscored:
        lines.append(f"({unscored} cells of short rows that the generator pads with empty cells "
                     f"in {'/'.join(PADDED_FORMS)} are not scored)")
    return "\n".join(lines)


def format_corpus(report: dict) -> str:
    lines = [f"real reports: {report['corpus']}",
             f"{'file':<34}{'form':<6}{'template':<9}{'keys':>5}{'found':>6}{'correct':>8}"
             f"{'precision':>10}{'right':>6}{'wrong':>6}{'missing':>8}  checks"]
    for f in report["files"]:
        precision = f["correct"] / f["found"] if f["found"] else None
        checks = " ".join(f"{rule}={c['got']}{'' if c['agree'] else '(expected ' + c['expected'] + ')'}"
                          for rule, c in f["checks"].items())
        lines.append(f"{f['file']:<34}{f['form']:<6}{f['template']['got']:<9}"
                     f"{f['expected_keys']:>5}{f['found']:>6}{f['correct']:>8}"
                     f"{_pct(precision):>10}{f['correct']:>6}{len(f['wrong']):>6}"
                     f"{len(f['missing']):>8}  {checks}")
        for w in f["wrong"]:
            lines.append(f"    wrong {w['key']}: expected {w['expected']}, got {w['got']}")
        for key in f["missing"]:
            lines.append(f"    missing {key}")
    t = report["totals"]
    precision = t["correct"] / t["found"] if t["found"] else None
    lines.append(f"{'total':<49}{t['expected_keys']:>5}{t['found']:>6}{t['correct']:>8}"
                 f"{_pct(precision):>10}{t['correct']:>6}{t['wrong']:>6}{t['missing']:>8}"
                 f"  checks agree {t['checks_agree']}/{t['checks_expected']}")
    for s in report["skipped"]:
        lines.append(f"skipped {s['file']}: {s['reason']}")
    return "\n".join(lines)


def run(corpus: Path | None, seed: int, agencies: int, as_json: bool, jobs: int | None = None,
        out=sys.stdout) -> int:
    portal = evaluate_portal(seed, agencies, jobs)
    corpus_report = None
    if corpus is not None and (corpus / "manifest.json").exists():
        corpus_report = evaluate_corpus(corpus)
    if as_json:
        json.dump({"portal": portal, "corpus": corpus_report}, out, ensure_ascii=False, indent=1)
        out.write("\n")
        return 0
    out.write(format_portal(portal) + "\n")
    for failure in portal["failures"][:10]:
        out.write(f"  not all right: {failure['form']} {failure['url']} "
                  f"wrong {failure['wrong'][:3]} missing {failure['missing'][:3]}\n")
    if corpus_report is not None:
        out.write("\n" + format_corpus(corpus_report) + "\n")
    elif corpus is not None:
        out.write(f"\nno manifest.json in {corpus}: real reports not measured\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulator.evaluate", description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--agencies", type=int, default=24)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    return run(args.corpus, args.seed, args.agencies, args.json, args.jobs)


if __name__ == "__main__":
    sys.exit(main())
