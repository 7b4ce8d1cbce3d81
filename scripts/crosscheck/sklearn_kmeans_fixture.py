#!/usr/bin/env python3
"""Dev-only: writes tests/fixtures/sklearn_kmeans.json — scikit-learn's
k-means++ seeds, single-run KMeans results and silhouette scores on the
shipped data, which `refine: false` must reproduce.

    python3 scripts/crosscheck/sklearn_kmeans_fixture.py
"""
import json
import numpy as np
import sklearn
from sklearn.cluster import KMeans, kmeans_plusplus
from sklearn.metrics import silhouette_samples

X = np.loadtxt("data/data_multivar.txt", delimiter=",")
P = np.loadtxt("data/data_perf.txt", delimiter=",")
out = {"sklearn_version": sklearn.__version__, "plusplus": [], "single_runs": []}
for seed in [0, 1, 7]:
    _, idx = kmeans_plusplus(X, 4, random_state=seed)
    out["plusplus"].append({"data": "data_multivar.txt", "k": 4, "seed": seed, "indices": idx.tolist()})
for data, M in [("data_multivar.txt", X), ("data_perf.txt", P)]:
    for k in [2, 3, 5, 8]:
        for algorithm in ["lloyd", "elkan"]:
            m = KMeans(k, n_init=1, random_state=3, algorithm=algorithm).fit(M)
            out["single_runs"].append({
                "data": data, "k": k, "seed": 3, "algorithm": algorithm,
                "inertia": m.inertia_, "n_iter": int(m.n_iter_),
                "centers": m.cluster_centers_.tolist(), "labels": m.labels_.tolist(),
            })
m = KMeans(6, n_init=10, random_state=0).fit(P)
s = silhouette_samples(P, m.labels_)
out["silhouette"] = {"data": "data_perf.txt", "labels": m.labels_.tolist(),
                     "samples_first_10": s[:10].tolist(), "score": float(s.mean())}
with open("tests/fixtures/sklearn_kmeans.json", "w") as f:
    json.dump(out, f)
print("wrote tests/fixtures/sklearn_kmeans.json")
