#!/usr/bin/env python3
"""Scores feedsieve's extractor against trafilatura on the article-extraction
benchmark, on the development and held-out halves and on all pages.

    cargo bench --bench extract -- /tmp/feedsieve-extract.json
    python3 benches/extract_score.py --pred /tmp/feedsieve-extract.json

`--pred` is the predictions file the bench wrote (it carries its own CPU
time). trafilatura runs in this process over the same decompressed pages,
single-threaded, best CPU time of `--repeat` passes (install it with
`pip install trafilatura==2.3.1`); `--no-trafilatura` skips it.
`--pages dev` lists the development pages by F1, worst first, for tuning.

The split is fixed before any tuning: a page is held out when the SHA-256
of "feedsieve-holdout/" + its id, read as a number, is divisible by 3.
Only the development pages may be looked at while tuning.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def shared_dir() -> Path:
    for p in (HERE.parent.parent / "shared", Path("/work/shared")):
        if (p / "bench-data").is_dir():
            return p
    return HERE.parent.parent / "shared"


def held_out(page_id: str) -> bool:
    digest = hashlib.sha256(("feedsieve-holdout/" + page_id).encode()).hexdigest()
    return int(digest, 16) % 3 == 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pred", type=Path, required=True, help="feedsieve predictions (from the bench)")
    ap.add_argument("--shared", type=Path, default=shared_dir())
    ap.add_argument("--no-trafilatura", action="store_true")
    ap.add_argument("--trafilatura-pred", type=Path, help="reuse a saved trafilatura run")
    ap.add_argument("--save-trafilatura", type=Path, help="save trafilatura's run here")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--bootstrap", type=int, default=1000)
    ap.add_argument("--pages", choices=["dev", "held-out", "all"])
    args = ap.parse_args()

    sys.path.insert(0, str(args.shared / "tools"))
    import eval_extraction as ev  # the benchmark's metric, unchanged

    data = args.shared / "bench-data" / "article-extraction-benchmark"
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf8"))
    splits = {
        "dev": sorted(i for i in truth if not held_out(i)),
        "held-out": sorted(i for i in truth if held_out(i)),
        "all": sorted(truth),
    }
    systems = {}
    ours, version, _, cpu = ev.load_predictions(args.pred)
    systems["feedsieve"] = (ours, version, cpu)
    if args.trafilatura_pred:
        preds, version, _, cpu = ev.load_predictions(args.trafilatura_pred)
        systems["trafilatura"] = (preds, version, cpu)
    elif not args.no_trafilatura:
        pages = ev.load_pages(data)
        preds, wall, cpu, errors = ev.run_extractor("trafilatura", pages, args.repeat)
        version = ev.package_version("trafilatura")
        systems["trafilatura"] = (preds, version, cpu)
        if args.save_trafilatura:
            args.save_trafilatura.write_text(json.dumps(
                {"version": version, "wall_s": wall, "cpu_s": cpu, "output": preds},
                ensure_ascii=False), encoding="utf8")

    if args.pages:
        rows = []
        for i in splits[args.pages]:
            s = ev.score_page(truth[i]["articleBody"], (ours.get(i) or {}).get("articleBody", ""))
            p, r = s.precision(), s.recall()
            f = 2 * p * r / (p + r) if p + r else 0.0
            rows.append((f, p, r, i))
        for f, p, r, i in sorted(rows):
            print(f"{f:.3f} P {p:.3f} R {r:.3f}  {i[:12]}  {truth[i]['url'][:90]}")
        return 0

    print(f"{'system':<12} {'version':<8} {'split':<9} {'pages':>5}  {'F1':<11}  "
          f"{'precision':<11}  {'recall':<11}  {'emp':>3}  {'pages/cpu_s':>11}")
    speed = {}
    for name, (preds, version, cpu) in systems.items():
        speed[name] = len(truth) / cpu if cpu else None
        for split, ids in splits.items():
            m = ev.evaluate({i: truth[i] for i in ids}, {i: preds.get(i) for i in ids},
                            args.bootstrap)
            rate = f"{speed[name]:11.1f}" if speed[name] else f"{'-':>11}"
            print(f"{name:<12} {version:<8} {split:<9} {len(ids):>5}  "
                  f"{m['f1']:.3f}±{m['f1_std']:.3f}  {m['precision']:.3f}±{m['precision_std']:.3f}  "
                  f"{m['recall']:.3f}±{m['recall_std']:.3f}  {int(m['empty_predictions']):>3}  {rate}")
    if speed.get("feedsieve") and speed.get("trafilatura"):
        print(f"speed ratio feedsieve / trafilatura: {speed['feedsieve'] / speed['trafilatura']:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
