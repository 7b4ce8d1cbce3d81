#!/usr/bin/env python3
"""Dev-only: writes tests/fixtures/sklearn_cluster_comparison.json — scikit-learn's
"Comparing different clustering algorithms on toy datasets"
(examples/cluster/plot_cluster_comparison.py as it stands in scikit-learn 1.9)
without the plotting: the six data sets after StandardScaler, and
for every (data set, estimator) cell the labels and the number of clusters.

    PY=$(../shared/tools/pyref/setup.sh)   # scikit-learn 1.9.1
    $PY scripts/crosscheck/sklearn_cluster_comparison_fixture.py
    /usr/bin/python3 scripts/crosscheck/sklearn_cluster_comparison_fixture.py   # 1.2.1

Under scikit-learn 1.2 (no HDBSCAN) it writes the seeded estimators' labels
only (mini-batch k-means, spectral clustering, Gaussian mixture), to
tests/fixtures/sklearn_cluster_comparison_1_2.json: their random-number order
differs between the two versions.
"""
import json, time, warnings
import numpy as np
import sklearn
from sklearn import cluster, datasets, mixture
from sklearn.neighbors import kneighbors_graph
from sklearn.preprocessing import StandardScaler

n_samples = 500
seed = 30
noisy_circles = datasets.make_circles(n_samples=n_samples, factor=0.5, noise=0.05, random_state=seed)
noisy_moons = datasets.make_moons(n_samples=n_samples, noise=0.05, random_state=seed)
blobs = datasets.make_blobs(n_samples=n_samples, random_state=seed)
rng = np.random.RandomState(seed)
no_structure = rng.rand(n_samples, 2), None
random_state = 170
X, y = datasets.make_blobs(n_samples=n_samples, random_state=random_state)
X_aniso = np.dot(X, [[0.6, -0.6], [-0.4, 0.8]])
aniso = (X_aniso, y)
varied = datasets.make_blobs(n_samples=n_samples, cluster_std=[1.0, 2.5, 0.5], random_state=random_state)

default_base = {"quantile": 0.3, "eps": 0.3, "damping": 0.9, "preference": -200, "n_neighbors": 3,
                "n_clusters": 3, "min_samples": 7, "xi": 0.05, "min_cluster_size": 0.1,
                "allow_single_cluster": True, "hdbscan_min_cluster_size": 15, "hdbscan_min_samples": 3,
                "random_state": 42}
sets = [
    ("noisy_circles", noisy_circles, {"damping": 0.77, "preference": -240, "quantile": 0.2, "n_clusters": 2,
                                      "min_samples": 7, "xi": 0.08}),
    ("noisy_moons", noisy_moons, {"damping": 0.75, "preference": -220, "n_clusters": 2, "min_samples": 7, "xi": 0.1}),
    ("varied", varied, {"eps": 0.18, "n_neighbors": 2, "min_samples": 7, "xi": 0.01, "min_cluster_size": 0.2}),
    ("aniso", aniso, {"eps": 0.15, "n_neighbors": 2, "min_samples": 7, "xi": 0.1, "min_cluster_size": 0.2}),
    ("blobs", blobs, {"min_samples": 7, "xi": 0.1, "min_cluster_size": 0.2}),
    ("no_structure", no_structure, {}),
]
OLD = tuple(int(v) for v in sklearn.__version__.split(".")[:2]) < (1, 3)
SEEDED = {"MiniBatchKMeans", "SpectralClustering", "GaussianMixture"}
out = {"sklearn": sklearn.__version__, "sets": []}
for name, (X, y), algo_params in sets:
    params = default_base.copy()
    params.update(algo_params)
    X = StandardScaler().fit_transform(X)
    bandwidth = cluster.estimate_bandwidth(X, quantile=params["quantile"])
    connectivity = kneighbors_graph(X, n_neighbors=params["n_neighbors"], include_self=False)
    connectivity = 0.5 * (connectivity + connectivity.T)
    algos = [
        ("MiniBatchKMeans", cluster.MiniBatchKMeans(n_clusters=params["n_clusters"], random_state=params["random_state"])),
        ("AffinityPropagation", cluster.AffinityPropagation(damping=params["damping"], preference=params["preference"],
                                                            random_state=params["random_state"])),
        ("MeanShift", cluster.MeanShift(bandwidth=bandwidth, bin_seeding=True)),
        ("SpectralClustering", cluster.SpectralClustering(n_clusters=params["n_clusters"], eigen_solver="arpack",
                                                          affinity="nearest_neighbors", random_state=params["random_state"])),
        ("Ward", cluster.AgglomerativeClustering(n_clusters=params["n_clusters"], linkage="ward", connectivity=connectivity)),
        ("AgglomerativeClustering", cluster.AgglomerativeClustering(linkage="average", metric="cityblock",
                                                                    n_clusters=params["n_clusters"], connectivity=connectivity)),
        ("DBSCAN", cluster.DBSCAN(eps=params["eps"])),
        ("HDBSCAN", OLD or cluster.HDBSCAN(min_samples=params["hdbscan_min_samples"], min_cluster_size=params["hdbscan_min_cluster_size"],
                                    allow_single_cluster=params["allow_single_cluster"])),
        ("OPTICS", cluster.OPTICS(min_samples=params["min_samples"], xi=params["xi"], min_cluster_size=params["min_cluster_size"])),
        ("BIRCH", cluster.Birch(n_clusters=params["n_clusters"])),
        ("GaussianMixture", mixture.GaussianMixture(n_components=params["n_clusters"], covariance_type="full",
                                                    random_state=params["random_state"])),
    ]
    cells = []
    if not OLD:
        # HDBSCAN sorts its spanning tree's edges with np.argsort, which is not stable: NumPy's
        # AVX-512 sort orders equal weights arbitrarily, and on "varied" that moves 2 labels.
        # Record the stable-sort run too (the order our Prim keeps).
        import sklearn.cluster._hdbscan.hdbscan as H
        argsort = H.np.argsort
        H.np.argsort = lambda a, *args, **kw: argsort(a, kind="stable")
        stable = cluster.HDBSCAN(min_samples=params["hdbscan_min_samples"],
                                 min_cluster_size=params["hdbscan_min_cluster_size"],
                                 allow_single_cluster=params["allow_single_cluster"]).fit(X).labels_
        H.np.argsort = argsort
    for algo_name, algorithm in algos:
        if OLD and algo_name not in SEEDED:
            continue
        t0 = time.time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            algorithm.fit(X)
        t1 = time.time()
        y_pred = algorithm.labels_.astype(int) if hasattr(algorithm, "labels_") else algorithm.predict(X)
        cell = {"estimator": algo_name, "labels": y_pred.tolist(),
                "nClusters": int(len(set(y_pred.tolist()) - {-1})), "seconds": t1 - t0}
        if algo_name == "HDBSCAN":
            cell["labelsStableSort"] = stable.tolist()
        cells.append(cell)
    if OLD:
        out["sets"].append({"name": name, "cells": cells})
    else:
        out["sets"].append({"name": name, "params": params, "X": X.tolist(),
                            "y": None if y is None else y.tolist(), "bandwidth": bandwidth, "cells": cells})
path = "tests/fixtures/sklearn_cluster_comparison" + ("_1_2" if OLD else "") + ".json"
json.dump(out, open(path, "w"))
print("wrote", path)
for s in out["sets"]:
    print(s["name"], [c["nClusters"] for c in s["cells"]])
