#!/usr/bin/env python3
"""Dev-only: writes tests/fixtures/sklearn_hdbscan.json — scikit-learn 1.9.1's
HDBSCAN labels and probabilities on small data sets (blobs of varied
density, moons, duplicates, identical rows, integer grids, 4-d and 6-d
blobs, rows with NaN/inf, and two larger generated sets) for
eom/leaf, min_samples, allow_single_cluster, cluster_selection_epsilon,
alpha and max_cluster_size.

scikit-learn sorts the MST edges with np.argsort (quicksort, which NumPy 2
runs as a SIMD sort), so its order among equal edge weights is not defined
and its labels can depend on it. Each case is therefore run three times:
as is ("default"), with a stable argsort ("stable": ties in Prim's order,
what core/cluster/hdbscan.ts does) and with ties reversed ("reversed").
The JSON stores the stable run's labels and probabilities, the default
run's labels, and whether default == stable == reversed (the case's result
does not depend on the tie order).

    /root/.cache/pyref-venv/bin/python scripts/crosscheck/sklearn_hdbscan_fixture.py
"""
import json, warnings
import numpy as np
import sklearn
import sklearn.cluster._hdbscan.hdbscan as H
from sklearn.cluster import HDBSCAN
from sklearn.cluster._hdbscan._linkage import make_single_linkage
from sklearn.datasets import make_blobs, make_moons

assert sklearn.__version__ == "1.9.1", sklearn.__version__
warnings.simplefilter("ignore")

ORDER = {"mode": "default"}


def process_mst(mst):
    d = mst["distance"]
    if ORDER["mode"] == "default":
        o = np.argsort(d)
    elif ORDER["mode"] == "stable":
        o = np.argsort(d, kind="stable")
    else:
        o = np.lexsort((-np.arange(len(d)), d))
    return make_single_linkage(mst[o])


H._process_mst = process_mst


def canon(labels):
    m = {}
    return [int(x) if x < 0 else m.setdefault(int(x), len(m)) for x in labels]


rs = np.random.RandomState(11)
sets = {
    "density": make_blobs(n_samples=240, centers=[[0, 0], [6, 0], [0, 9]],
                          cluster_std=[0.4, 1.2, 2.5], random_state=5)[0],
    "moons": make_moons(n_samples=200, noise=0.09, random_state=2)[0],
    "dups": np.repeat(make_blobs(n_samples=60, centers=3, random_state=2)[0], 3, axis=0),
    "grid": np.array([[i, j] for i in range(13) for j in range(13)], float),
    "intblobs": np.round(make_blobs(n_samples=220, centers=4, cluster_std=1.5, random_state=1)[0]),
    "blobs4d": make_blobs(n_samples=160, n_features=4, centers=3, random_state=8)[0],
    "same": np.array([[1.0, 2.0]] * 12),
    "dupclusters": np.array([[0.0, 0.0]] * 6 + [[5.0, 5.0]] * 6 + [[9.0, 0.0]] * 3),
    "blobs6d": make_blobs(n_samples=150, n_features=6, centers=3, cluster_std=2.0, random_state=9)[0],
}
# Larger sets (the k-d tree paths), not stored: core/datasets/make_blobs.ts
# draws the same numbers from the same arguments.
generated = {
    "blobs1500": {"n_samples": 1500, "centers": 4, "random_state": 3},
    "blobs1200x3": {"n_samples": 1200, "n_features": 3, "centers": 5, "random_state": 7},
}
for name, kw in generated.items():
    sets[name] = make_blobs(**kw)[0]
X = make_blobs(n_samples=80, centers=2, random_state=3)[0]
X[5, 1] = np.nan
X[17, 0] = np.inf
X[40, :] = [-np.inf, np.inf]
X[60, :] = [np.nan, np.inf]
sets["nonfinite"] = X

settings = [
    {},
    {"cluster_selection_method": "leaf"},
    {"min_cluster_size": 8, "min_samples": 3},
    {"min_cluster_size": 3, "min_samples": 1},
    {"allow_single_cluster": True},
    {"cluster_selection_epsilon": 1.5},
    {"cluster_selection_method": "leaf", "cluster_selection_epsilon": 0.8},
    {"alpha": 0.7, "min_samples": 4},
    {"max_cluster_size": 40, "min_cluster_size": 6},
    {"allow_single_cluster": True, "cluster_selection_epsilon": 3.0},
]
per_set = {
    "density": settings,
    "moons": settings[:6] + [settings[7]],
    "dups": settings[:5] + [settings[8]],
    "grid": [settings[0], settings[1], settings[3], settings[4], settings[9]],
    "intblobs": settings[:3] + [settings[5], settings[6]],
    "blobs4d": [settings[0], settings[2], settings[7]],
    "same": [{"min_cluster_size": 2, "min_samples": 1},
             {"min_cluster_size": 3, "cluster_selection_method": "leaf", "allow_single_cluster": True}],
    "dupclusters": [{"min_cluster_size": 2, "min_samples": 1},
                    {"min_cluster_size": 3, "allow_single_cluster": True},
                    {"min_cluster_size": 2, "min_samples": 1, "max_cluster_size": 3}],
    "blobs6d": [settings[0], settings[1], settings[7]],
    "nonfinite": [settings[0], settings[4]],
    "blobs1500": [settings[0], settings[1]],
    "blobs1200x3": [settings[0], settings[2]],
}
to_camel = {
    "min_cluster_size": "minClusterSize", "min_samples": "minSamples",
    "cluster_selection_method": "clusterSelectionMethod",
    "allow_single_cluster": "allowSingleCluster",
    "cluster_selection_epsilon": "clusterSelectionEpsilon", "alpha": "alpha",
    "max_cluster_size": "maxClusterSize",
}
out = {"sklearn": sklearn.__version__, "numpy": np.__version__, "data": {}, "cases": [],
       "generated": {k: {"nSamples": v["n_samples"], "nFeatures": v.get("n_features", 2),
                         "centers": v["centers"], "randomState": v["random_state"]}
                     for k, v in generated.items()}}
for name, X in sets.items():
    if name not in generated:
        out["data"][name] = [[None if not np.isfinite(v) else float(v) for v in row] for row in X]
    if name == "nonfinite":
        out["nonfinite"] = [[int(i), int(j), "nan" if np.isnan(X[i, j]) else ("inf" if X[i, j] > 0 else "-inf")]
                            for i, j in zip(*np.nonzero(~np.isfinite(X)))]
    for kw in per_set[name]:
        runs = {}
        try:
            for mode in ["default", "stable", "reversed"]:
                ORDER["mode"] = mode
                h = HDBSCAN(copy=False, **kw).fit(X)
                runs[mode] = (h.labels_.copy(), h.probabilities_.copy())
        except TypeError as e:
            # scikit-learn 1.9.1's traverse_upwards hands a 1-element array
            # where an integer is expected; NumPy 2.4 refuses the conversion.
            out["cases"].append({"data": name, "options": {to_camel[k]: v for k, v in kw.items()},
                                 "sklearnError": f"TypeError: {e}"})
            print(name, kw, "sklearn raises TypeError:", e)
            continue
        st_l, st_p = runs["stable"]
        invariant = all(canon(runs[m][0]) == canon(st_l) and
                        np.array_equal(runs[m][1], st_p, equal_nan=True)
                        for m in ["default", "reversed"])
        out["cases"].append({
            "data": name,
            "options": {to_camel[k]: v for k, v in kw.items()},
            "labels": st_l.tolist(),
            "probabilities": [None if np.isnan(p) else float(p) for p in st_p],
            "defaultLabels": runs["default"][0].tolist() if name not in generated else None,
            "tieInvariant": bool(invariant),
            "defaultClusters": int(runs["default"][0].max()) + 1,
            "defaultDiffers": int(np.sum(np.array(canon(runs["default"][0])) != np.array(canon(st_l)))),
        })
        print(name, kw, "clusters", int(st_l.max()) + 1, "invariant", invariant,
              "default differs on", out["cases"][-1]["defaultDiffers"])
json.dump(out, open("tests/fixtures/sklearn_hdbscan.json", "w"), separators=(",", ":"))
print("wrote tests/fixtures/sklearn_hdbscan.json", len(out["cases"]), "cases")
