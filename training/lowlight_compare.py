"""
Two runs of lowlight_bench.py side by side: for each darkness and metric, the candidate's mean minus the
reference's over the same images, with a 95 % interval from resampling scenes (wide_eval's paired bootstrap).

Usage (from training/):
    /usr/bin/python3 lowlight_compare.py REFERENCE.json CANDIDATE.json [--method unclip]
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from lowlight_bench import KEYS, STOPS
from wide_eval import bootstrap_difference


def paired_rows(result: dict, method: str, stops: int) -> list[dict]:
    """One row per image at `stops`, keyed by scene, holding `method`'s metrics."""
    rows = [dict(scene=r["name"], **r[method]) for r in result["per_image"] if r["stops"] == stops]
    return sorted(rows, key=lambda row: row["scene"])


def compare(reference: dict, candidate: dict, method: str = "unclip") -> dict:
    """{stops: {metric: {mean, low, high}}} of candidate - reference."""
    rng = np.random.default_rng(0)
    out = {}
    for s in STOPS:
        ref, cand = paired_rows(reference, method, s), paired_rows(candidate, method, s)
        if [r["scene"] for r in ref] != [c["scene"] for c in cand]:
            raise ValueError(f"The two runs scored different images at -{s} EV")
        out[str(s)] = {k: bootstrap_difference(cand, ref, k, rng) for k in KEYS}
    return out


def markdown(differences: dict) -> str:
    head = "| metric | " + " | ".join(f"-{s} EV candidate - reference [95 %]" for s in STOPS) + " |"
    rule = "|---|" + "---:|" * len(STOPS)
    rows = [f"| {k} | " + " | ".join(
        f"{d['mean']:+.3f} [{d['low']:+.3f}, {d['high']:+.3f}]" for d in (differences[str(s)][k] for s in STOPS))
        + " |" for k in KEYS]
    return "\n".join([head, rule, *rows])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reference", type=Path)
    parser.add_argument("candidate", type=Path)
    parser.add_argument("--method", default="unclip")
    args = parser.parse_args(argv)
    load = lambda path: json.loads(path.read_text())  # noqa: E731
    print(markdown(compare(load(args.reference), load(args.candidate), args.method)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
