#!/usr/bin/env python3
"""Dev-only: writes tests/fixtures/sklearn_clustering_metrics.json — scikit-learn
1.2's NMI (arithmetic) and ARI, and the cluster accuracy from SciPy's
linear_sum_assignment on the contingency table, for label sets of every
shape (as many clusters as classes, more, fewer, one cluster, one class,
both, one sample, noise labels, 70,000 samples), plus optimal costs of
random rectangular assignment problems.

    python3 scripts/crosscheck/sklearn_clustering_metrics_fixture.py
"""
import json

import numpy as np
import scipy
import sklearn
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix

rs = np.random.RandomState(11)
cases = []


def add(name, y_true, y_pred):
    y_true = np.asarray(y_true, dtype=np.int64)
    y_pred = np.asarray(y_pred, dtype=np.int64)
    c = contingency_matrix(y_true, y_pred)
    r, k = linear_sum_assignment(c, maximize=True)
    cases.append({
        "name": name,
        "yTrue": y_true.tolist(),
        "yPred": y_pred.tolist(),
        "nmi": float(normalized_mutual_info_score(y_true, y_pred)),
        "ari": float(adjusted_rand_score(y_true, y_pred)),
        "accuracy": float(c[r, k].sum() / len(y_true)),
        "matched": int(c[r, k].sum()),
    })


add("perfect, renamed", [0, 0, 1, 1, 2, 2], [5, 5, 3, 3, 9, 9])
add("one sample", [4], [7])
add("one cluster", rs.randint(0, 4, 50), np.zeros(50, dtype=int))
add("one class", np.zeros(40, dtype=int), rs.randint(0, 3, 40))
add("one class and one cluster", np.zeros(30, dtype=int), np.full(30, 2))
add("every sample its own cluster", rs.randint(0, 3, 25), np.arange(25))
add("noise labels", rs.randint(0, 3, 200), rs.randint(-1, 4, 200))
for n, k_true, k_pred in [(10, 2, 2), (100, 3, 3), (100, 3, 7), (100, 7, 3), (500, 10, 10),
                          (500, 10, 14), (1000, 5, 2), (30, 6, 6)]:
    add(f"random n={n} classes={k_true} clusters={k_pred}", rs.randint(0, k_true, n),
        rs.randint(0, k_pred, n))
# Correlated labels: mostly right, a few swapped (as a good clustering).
y = rs.randint(0, 10, 2000)
pred = np.where(rs.rand(2000) < 0.85, (y * 7 + 3) % 10, rs.randint(0, 12, 2000))
add("mostly right n=2000, 12 clusters", y, pred)
y = rs.randint(0, 10, 70000)
pred = np.where(rs.rand(70000) < 0.9, (y + 4) % 10, rs.randint(0, 10, 70000))
add("mostly right n=70000", y, pred)

assignments = []
for r, c in [(1, 1), (3, 3), (4, 7), (7, 4), (10, 10), (12, 20), (25, 25), (40, 13)]:
    cost = rs.randint(0, 50, (r, c)).astype(float) if r % 2 else rs.rand(r, c) * 100
    for maximize in [False, True]:
        ri, ci = linear_sum_assignment(cost, maximize=maximize)
        assignments.append({"cost": cost.tolist(), "maximize": maximize,
                            "total": float(cost[ri, ci].sum()), "rowInd": ri.tolist()})

json.dump({"sklearn_version": sklearn.__version__, "scipy_version": scipy.__version__,
           "metrics": cases, "assignments": assignments},
          open("tests/fixtures/sklearn_clustering_metrics.json", "w"))
print(f"wrote {len(cases)} label cases and {len(assignments)} assignment problems")
