#!/usr/bin/env python3
"""Dev-only: writes tests/fixtures/sklearn_agglomerative.json — scikit-learn's
AgglomerativeClustering labels for every linkage, with and without the
k-NN connectivity, with the Euclidean and (not ward) the
cityblock metric, on small data sets (one whose graph has 3 components).

    python3 scripts/crosscheck/sklearn_agglomerative_fixture.py
"""
import json, warnings
import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.datasets import make_moons
from sklearn.neighbors import kneighbors_graph

warnings.simplefilter("ignore")
rs = np.random.RandomState(7)
sets = {
    "moons": (make_moons(n_samples=120, noise=0.07, random_state=4)[0], 3, 6),
    "far": (np.r_[rs.randn(30, 2), rs.randn(25, 2) + 30, rs.randn(20, 2) + [60, 0]], 4, 5),
}
cases = []
for name, (X, k, nn) in sets.items():
    G = kneighbors_graph(X, nn, include_self=False)
    for linkage in ["ward", "complete", "average", "single"]:
        for connected in [False, True]:
            m = AgglomerativeClustering(n_clusters=k, linkage=linkage, connectivity=G if connected else None).fit(X)
            cases.append({"data": name, "X": X.tolist(), "k": k, "neighbors": nn, "linkage": linkage,
                          "connectivity": connected, "labels": m.labels_.tolist()})
            if linkage != "ward":
                m = AgglomerativeClustering(n_clusters=k, linkage=linkage, metric="cityblock",
                                            connectivity=G if connected else None).fit(X)
                cases.append({"data": name, "X": X.tolist(), "k": k, "neighbors": nn, "linkage": linkage,
                              "connectivity": connected, "metric": "cityblock",
                              "labels": m.labels_.tolist()})
json.dump({"cases": cases}, open("tests/fixtures/sklearn_agglomerative.json", "w"))
print("wrote tests/fixtures/sklearn_agglomerative.json")
