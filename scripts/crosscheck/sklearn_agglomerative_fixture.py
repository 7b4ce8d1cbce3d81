#!/usr/bin/env python3
"""Dev-only: writes tests/fixtures/sklearn_agglomerative.json — scikit-learn's
AgglomerativeClustering labels for every linkage, with and without the
k-NN connectivity, with the Euclidean and (not ward) the
cityblock metric, on small data sets (one whose graph has 3 components, two
of integer points whose distances tie).

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
    # Integer points, duplicates included: many distances tie, and SciPy's
    # nearest-neighbour chain conventions (and its rounding) decide the tree.
    "lattice": (np.random.RandomState(11).randint(0, 6, size=(70, 2)).astype(float), 5, 6),
    "lattice4": (np.random.RandomState(12).randint(0, 3, size=(90, 4)).astype(float), 6, 8),
}
cases = []
for name, (X, k, nn) in sets.items():
    G = kneighbors_graph(X, nn, include_self=False)
    for linkage in ["ward", "complete", "average", "single"]:
        for connected in [False, True]:
            if connected and linkage == "single" and name.startswith("lattice"):
                # Its spanning tree (scipy.sparse.csgraph) orders equal weights by
                # NumPy's unstable argsort: an order of NumPy's version, not a rule.
                continue
            m = AgglomerativeClustering(n_clusters=k, linkage=linkage, connectivity=G if connected else None).fit(X)
            cases.append({"data": name, "X": X.tolist(), "k": k, "neighbors": nn, "linkage": linkage,
                          "connectivity": connected, "labels": m.labels_.tolist()})
            if not connected:
                cases[-1]["children"] = m.children_.tolist()  # the whole tree, in scikit-learn's order
            if connected and name.startswith("lattice"):
                # k-th neighbours tie on a lattice: the test takes this graph, not its own.
                cases[-1]["graph"] = [G.indices[G.indptr[i]:G.indptr[i + 1]].tolist() for i in range(len(X))]
            if linkage != "ward":
                m = AgglomerativeClustering(n_clusters=k, linkage=linkage, metric="cityblock",
                                            connectivity=G if connected else None).fit(X)
                cases.append({"data": name, "X": X.tolist(), "k": k, "neighbors": nn, "linkage": linkage,
                              "connectivity": connected, "metric": "cityblock",
                              "labels": m.labels_.tolist()})
                if not connected:
                    cases[-1]["children"] = m.children_.tolist()
                if connected and name.startswith("lattice"):
                    cases[-1]["graph"] = [G.indices[G.indptr[i]:G.indptr[i + 1]].tolist() for i in range(len(X))]
json.dump({"cases": cases}, open("tests/fixtures/sklearn_agglomerative.json", "w"))
print("wrote tests/fixtures/sklearn_agglomerative.json")
