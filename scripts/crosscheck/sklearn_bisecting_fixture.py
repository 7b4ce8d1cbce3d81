#!/usr/bin/env python3
"""Dev-only: writes tests/fixtures/sklearn_bisecting_kmeans.json — scikit-learn
1.2.1's BisectingKMeans labels, cluster centres and inertia on small data
sets, for both bisecting strategies, both inits, Lloyd and Elkan, a few seeds,
nInit > 1 and sample weights.

    /usr/bin/python3 scripts/crosscheck/sklearn_bisecting_fixture.py
"""
import json, warnings
import numpy as np
import sklearn
from sklearn.cluster import BisectingKMeans
from sklearn.datasets import make_blobs

warnings.simplefilter("ignore")
assert sklearn.__version__ == "1.2.1", sklearn.__version__
rs = np.random.RandomState(3)
sets = {
    "blobs2d": make_blobs(n_samples=150, centers=5, cluster_std=1.2, random_state=1)[0],
    "blobs3d": make_blobs(n_samples=120, n_features=3, centers=4, random_state=2)[0],
    "uniform": rs.uniform(-5, 5, size=(100, 2)),
    "aniso": make_blobs(n_samples=90, centers=3, random_state=5)[0] @ np.array([[0.6, -0.6], [-0.4, 0.8]]),
}
weights = rs.randint(1, 4, size=150).astype(float)
cases = []
def run(name, **kw):
    X = sets[name]
    sw = kw.pop("sample_weight", None)
    m = BisectingKMeans(**kw).fit(X, sample_weight=sw)
    c = {"data": name, **kw, "labels": m.labels_.tolist(),
         "centers": m.cluster_centers_.tolist(), "inertia": float(m.inertia_)}
    if sw is not None:
        c["sample_weight"] = sw.tolist()
    cases.append(c)

for name in sets:
    for strategy in ["biggest_inertia", "largest_cluster"]:
        for init in ["random", "k-means++"]:
            for seed in [0, 1]:
                run(name, n_clusters=5, init=init, random_state=seed, bisecting_strategy=strategy)
run("blobs2d", n_clusters=8, init="random", random_state=4, algorithm="elkan")
run("blobs3d", n_clusters=6, init="k-means++", random_state=5, algorithm="elkan",
    bisecting_strategy="largest_cluster")
run("uniform", n_clusters=7, init="random", random_state=6, n_init=3)
run("aniso", n_clusters=4, init="k-means++", random_state=7, n_init=4, bisecting_strategy="largest_cluster")
run("blobs2d", n_clusters=3, init="random", random_state=8, max_iter=2, tol=0.0)
run("uniform", n_clusters=1, init="random", random_state=0)
run("uniform", n_clusters=100, init="random", random_state=0, bisecting_strategy="largest_cluster")
run("blobs2d", n_clusters=6, init="random", random_state=9, sample_weight=weights)
run("blobs2d", n_clusters=6, init="k-means++", random_state=10, sample_weight=weights,
    bisecting_strategy="largest_cluster")
out = {"sklearn": sklearn.__version__, "X": {k: v.tolist() for k, v in sets.items()}, "cases": cases}
json.dump(out, open("tests/fixtures/sklearn_bisecting_kmeans.json", "w"))
print("wrote tests/fixtures/sklearn_bisecting_kmeans.json", len(cases), "cases")
