"""Measure the extractor on a folder of real reports with hand-verified figures.

The folder holds documents and a manifest.json (a list of entries with `file`,
`form`, `expected` figures and optionally `expected_checks`), like
../shared/corpus. Only forms the extractor reads (HTML and text) are run.

    python -m archive.evaluate ../shared/corpus
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from archive.extract import extract_file

READABLE_FORMS = {"html", "text"}


def evaluate_file(path: Path, entry: dict) -> dict:
    result = extract_file(path)
    figures = result["figures"]
    expected = entry.get("expected") or {}
    correct, wrong, missing = [], [], []
    for key, value in expected.items():
        if key not in figures:
            missing.append(key)
        elif figures[key] == value:
            correct.append(key)
        else:   # a None where a number was printed also counts: it claims a blank
            wrong.append({"key": key, "expected": value, "got": figures[key]})
    statuses = {c["rule"]: c["status"] for c in result["checks"]}
    checks = {rule: {"expected": want, "got": statuses.get(rule),
                     "agree": statuses.get(rule) == want}
              for rule, want in (entry.get("expected_checks") or {}).items()}
    return {
        "file": entry["file"],
        "template": {"expected": entry.get("template"), "got": result["template"]},
        "report_year": {"expected": entry.get("report_year"), "got": result["report_year"]},
        "agency": {"expected": entry.get("agency"), "got": result["agency"]},
        "expected_keys": len(expected),
        "found": len(correct) + len(wrong),
        "correct": len(correct),
        "wrong": wrong,
        "missing": missing,
        "checks": checks,
        "warnings": len(result["warnings"]),
    }


def evaluate_corpus(corpus_dir: str | Path) -> dict:
    """Per-file and total counts of expected keys found/correct/wrong/missing, and
    agreement with the manifest's expected check statuses."""
    corpus_dir = Path(corpus_dir)
    manifest = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    files, skipped = [], []
    for entry in manifest:
        path = corpus_dir / entry["file"]
        if entry.get("form") not in READABLE_FORMS:
            skipped.append({"file": entry["file"], "reason": f"form {entry.get('form')!r}"})
        elif not path.exists():
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


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    default = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    corpus = Path(argv[0]) if argv else default
    if not (corpus / "manifest.json").exists():
        print(f"no manifest.json in {corpus}", file=sys.stderr)
        return 1
    print(json.dumps(evaluate_corpus(corpus), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
