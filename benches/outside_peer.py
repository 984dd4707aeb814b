#!/usr/bin/env python3
"""trafilatura on the pages of `cargo bench --bench clean_outside`, scored
and split the same way, for a peer's figures beside ours in one run:

    FEEDSIEVE_OUTSIDE=<trafilatura>/tests python3 benches/outside_peer.py

Needs `pip install trafilatura==2.3.1`. Runs trafilatura as its own
evaluation does (`include_comments=False, include_tables=True,
include_formatting=False`, default `fast=False`), on the page's bytes, with
its URL. trafilatura was tuned on these pages, so its figures flatter it.
Prints, per half, the same line as the bench, and the process CPU time.
"""
from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path


def fnv(s: str) -> int:
    h = 0xCBF29CE484222325
    for b in s.encode():
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def main() -> int:
    from trafilatura import extract

    root = Path(os.environ.get("FEEDSIEVE_OUTSIDE", ""))
    data = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url, rec in data.items():
        for sub in ("cache", "eval"):
            path = root / sub / rec["file"]
            if path.is_file():
                pages.append((rec["file"], url, path.read_bytes(), rec))
                break
    pages.sort()
    cpu0 = time.process_time()
    for name, dev in (("dev", True), ("held-out", False)):
        tp = fp = fn = tn = 0
        half = [p for p in pages if (fnv(p[0]) % 2 == 0) == dev]
        for _, url, raw, rec in half:
            try:
                text = extract(raw, url=url, include_comments=False,
                               include_tables=True, include_formatting=False) or ""
            except Exception:  # a crash counts as a full miss, as in its own evaluation
                text = ""
            text = norm(text)
            w = sum(1 for x in rec["with"] if norm(x) in text)
            wo = sum(1 for x in rec["without"] if norm(x) in text)
            tp += w
            fn += len(rec["with"]) - w
            fp += wo
            tn += len(rec["without"]) - wo
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        print(f"{name}: {len(half)} pages")
        print(f"    trafilatura: article passages kept {tp}/{tp + fn} = {100 * r:.2f}%, "
              f"boilerplate passages left {fp}/{fp + tn} = {100 * fp / max(fp + tn, 1):.2f}%; "
              f"P {p:.4f} R {r:.4f} F1 {f1:.4f}")
    print(f"trafilatura CPU: {time.process_time() - cpu0:.1f} s for {len(pages)} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
