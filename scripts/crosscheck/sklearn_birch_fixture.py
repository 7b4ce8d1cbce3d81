#!/usr/bin/env python3
"""Dev-only: writes tests/fixtures/sklearn_birch.json — scikit-learn 1.2.1's
Birch labels, subcluster centres and subcluster labels on small data sets,
for thresholds that force splits, small branching factors, nClusters null,
10 features,
and a partial_fit sequence.

    /usr/bin/python3 scripts/crosscheck/sklearn_birch_fixture.py
"""
import json, warnings
import numpy as np
import sklearn
from sklearn.cluster import AgglomerativeClustering, Birch
from sklearn.datasets import make_blobs

warnings.simplefilter("ignore")
assert sklearn.__version__ == "1.2.1", sklearn.__version__
rs = np.random.RandomState(11)
sets = {
    "blobs2d": make_blobs(n_samples=200, centers=4, cluster_std=1.0, random_state=3)[0],
    "blobs3d": make_blobs(n_samples=120, n_features=3, centers=3, random_state=4)[0],
    "uniform": rs.uniform(-3, 3, size=(150, 2)),
    "blobs10d": make_blobs(n_samples=100, n_features=10, centers=3, random_state=6)[0],
    "grid": np.array([[i, j] for i in range(6) for j in range(5)], dtype=float),
}
cases = []
def run(name, **kw):
    X = sets[name]
    m = Birch(**kw).fit(X)
    C = m.subcluster_centers_
    k = kw.get("n_clusters", 3)
    # Ward merges at equal heights (integer grids) may be broken either way:
    # flagged, so that the test compares only the CF tree there.
    ties = False
    if k is not None and len(C) > k:
        h = AgglomerativeClustering(n_clusters=k, compute_distances=True).fit(C).distances_
        ties = len(np.unique(np.round(h, 10))) < len(h)
    cases.append({"data": name, **kw, "labels": m.labels_.tolist(),
                  "subclusterCenters": C.tolist(),
                  "subclusterLabels": m.subcluster_labels_.tolist(), "wardTies": bool(ties)})

for name in [k for k in sets if k != "blobs10d"]:
    for threshold in [0.3, 0.8, 1.5]:
        for bf in [3, 5, 50]:
            run(name, threshold=threshold, branching_factor=bf, n_clusters=3)
    run(name, threshold=0.5, branching_factor=4, n_clusters=None)
for threshold in [1.5, 2.5]:
    for bf in [3, 5]:
        run("blobs10d", threshold=threshold, branching_factor=bf, n_clusters=3)
run("blobs2d", n_clusters=5)
run("blobs2d", threshold=0.2, branching_factor=2, n_clusters=4)
run("uniform", threshold=0.4, branching_factor=3, n_clusters=6)
run("grid", threshold=1.0, branching_factor=3, n_clusters=2)
run("grid", threshold=2.0, branching_factor=3, n_clusters=None)

# partial_fit in three batches, then predict on the whole set
X = sets["blobs2d"]
m = Birch(threshold=0.6, branching_factor=4, n_clusters=3)
for part in np.array_split(X, 3):
    m.partial_fit(part)
partial = {"data": "blobs2d", "threshold": 0.6, "branching_factor": 4, "n_clusters": 3, "batches": 3,
           "subclusterCenters": m.subcluster_centers_.tolist(),
           "subclusterLabels": m.subcluster_labels_.tolist(),
           "labels": m.labels_.tolist(), "predict": m.predict(X).tolist()}
out = {"sklearn": sklearn.__version__, "X": {k: v.tolist() for k, v in sets.items()},
       "cases": cases, "partial": partial}
json.dump(out, open("tests/fixtures/sklearn_birch.json", "w"))
print("wrote tests/fixtures/sklearn_birch.json", len(cases), "cases")
