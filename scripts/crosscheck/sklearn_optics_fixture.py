#!/usr/bin/env python3
"""Dev-only: writes tests/fixtures/sklearn_optics.json — scikit-learn 1.2.1's
OPTICS (ordering_, reachability_, core_distances_, predecessor_, labels_,
cluster_hierarchy_) on small data sets (varied-density blobs, moons,
duplicated rows, an integer grid full of ties, 5-D blobs) with the xi and
dbscan extractions, fractional min_samples / min_cluster_size and finite
max_eps; plus two larger make_blobs cases (data rebuilt by core/datasets
make_blobs) for the ordering at scale. ∞ is written as null.

    /usr/bin/python3 scripts/crosscheck/sklearn_optics_fixture.py
"""
import json
import warnings

import numpy as np
import sklearn
from sklearn.cluster import OPTICS
from sklearn.datasets import make_blobs, make_moons

assert sklearn.__version__ == "1.2.1", sklearn.__version__


def fl(a):
    return [None if np.isinf(v) else float(v) for v in a]


rs = np.random.RandomState(11)
base = np.round(rs.randn(30, 2) * 2, 1)
grid = np.array([[i, j] for i in range(9) for j in range(9)], dtype=float)
grid = np.r_[grid, grid[::7] + [20, 0], [[40.0, 40.0], [40.0, 41.0], [41.0, 40.0]]]
datasets = {
    "varied": make_blobs(n_samples=[50, 40, 30], centers=[[0, 0], [8, 3], [2, 9]],
                         cluster_std=[1.0, 2.2, 0.4], random_state=170)[0],
    "moons": make_moons(n_samples=110, noise=0.06, random_state=3)[0],
    "duplicates": np.r_[base, base[:12], base[:5], rs.randn(10, 2) * 0.3 + 8],
    "grid": grid,
    "blobs5d": make_blobs(n_samples=90, n_features=5, centers=3, cluster_std=1.5,
                          random_state=5)[0],
    "docstring": np.array([[1, 2], [2, 5], [3, 6], [8, 7], [8, 8], [7, 3]], dtype=float),
}
settings = [
    {},
    {"min_samples": 10, "xi": 0.1, "min_cluster_size": 0.05},
    {"min_samples": 0.04, "predecessor_correction": False},
    {"min_samples": 3, "xi": 0.02, "min_cluster_size": 6},
    {"max_eps": 2.0, "min_samples": 4},
    {"cluster_method": "dbscan", "min_samples": 5, "eps": 0.8},
    {"cluster_method": "dbscan", "min_samples": 4, "max_eps": 1.5},
    {"cluster_method": "dbscan", "min_samples": 6, "max_eps": 3.0, "eps": 1.0},
]
key_names = {"min_samples": "minSamples", "max_eps": "maxEps", "cluster_method": "clusterMethod",
             "eps": "eps", "xi": "xi", "predecessor_correction": "predecessorCorrection",
             "min_cluster_size": "minClusterSize"}


def run(X, params):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        m = OPTICS(**params).fit(X)
    out = {
        "options": {key_names[k]: v for k, v in params.items()},
        "labels": m.labels_.tolist(),
        "ordering": m.ordering_.tolist(),
        "reachability": fl(m.reachability_),
        "coreDistances": fl(m.core_distances_),
        "predecessor": m.predecessor_.tolist(),
        "warnings": [str(x.message) for x in w if issubclass(x.category, UserWarning)],
    }
    if params.get("cluster_method", "xi") == "xi":
        out["clusterHierarchy"] = np.asarray(m.cluster_hierarchy_).reshape(-1, 2).tolist()
    return out


cases = []
for name, X in datasets.items():
    for params in settings:
        if name == "docstring" and params:
            continue
        cases.append({"data": name, **run(X, params)})
cases.append({"data": "docstring", **run(datasets["docstring"], {"min_samples": 2})})
# Settings at the scale of each data set.
for name, params in [
    ("moons", {"cluster_method": "dbscan", "min_samples": 5, "eps": 0.15}),
    ("moons", {"max_eps": 0.3, "min_samples": 5}),
    ("blobs5d", {"cluster_method": "dbscan", "min_samples": 5, "eps": 2.0}),
    ("grid", {"cluster_method": "dbscan", "min_samples": 5, "max_eps": 1.0}),
    ("grid", {"max_eps": 1.0, "min_samples": 5}),
    ("grid", {"cluster_method": "dbscan", "min_samples": 9, "max_eps": 2 ** 0.5}),
]:
    cases.append({"data": name, **run(datasets[name], params)})
# Every point alone within max_eps: all reachabilities inf, sklearn warns.
cases.append({"data": "moons", **run(datasets["moons"], {"max_eps": 0.01, "min_samples": 3})})
# min_samples >= n // 2: sklearn's NearestNeighbors switches to brute force.
cases.append({"data": "docstring", **run(datasets["docstring"], {"min_samples": 3})})

large = []
for n, params in [(2000, {}), (3000, {"max_eps": 1.0, "min_samples": 8})]:
    X = make_blobs(n_samples=n, random_state=0)[0]
    r = run(X, params)
    keep = ["options", "labels", "ordering"] + (["reachability"] if n == 2000 else [])
    large.append({"nSamples": n, "randomState": 0, **{k: r[k] for k in keep}})

json.dump({"sklearn": sklearn.__version__,
           "datasets": {k: v.tolist() for k, v in datasets.items()},
           "cases": cases, "large": large},
          open("tests/fixtures/sklearn_optics.json", "w"), separators=(",", ":"))
print("wrote tests/fixtures/sklearn_optics.json", len(cases), "cases")
