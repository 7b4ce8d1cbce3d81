#!/usr/bin/env python3
"""Dev-only cross-check of recipes/dec.ts's metrics (issue 12).

Reads the labels a run saved (out/dec/labels.json: the digits and each
stage's clusters) and the report it printed with --json, and recomputes
cluster accuracy (SciPy's linear_sum_assignment on the contingency matrix,
as the DEC paper's `acc`), NMI (scikit-learn, arithmetic normaliser) and ARI.

    deno task dec --json > out/dec/report.json
    /usr/bin/python3 scripts/crosscheck/issue12_dec_metrics.py out/dec/labels.json out/dec/report.json
"""
import json
import sys

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix


def acc(y, p):
    c = contingency_matrix(y, p)
    r, k = linear_sum_assignment(-c)
    return c[r, k].sum() / len(y)


labels = json.load(open(sys.argv[1]))
report = json.load(open(sys.argv[2])) if len(sys.argv) > 2 else {}
y = np.array(labels["digits"])
worst = 0.0
for stage in ("baseline", "aeKmeans", "dec"):
    if stage not in labels:
        continue
    p = np.array(labels[stage])
    ours = report.get(stage) or {}
    theirs = {"acc": acc(y, p), "nmi": normalized_mutual_info_score(y, p),
              "ari": adjusted_rand_score(y, p)}
    for k, v in theirs.items():
        diff = abs(ours[k] - v) if k in ours else float("nan")
        worst = max(worst, diff) if diff == diff else worst
        print(f"{stage:9s} {k}: scipy/sklearn {v:.12f}  ours {ours.get(k, float('nan')):.12f}  |diff| {diff:.2e}")
print(f"largest difference {worst:.2e}")
sys.exit(0 if worst < 1e-12 else 1)
