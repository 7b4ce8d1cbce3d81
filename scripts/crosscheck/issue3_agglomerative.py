#!/usr/bin/env python3
"""Dev-only: recipes/agglomerative.ts vs scikit-learn's AgglomerativeClustering,
labels up to renaming, for every linkage with and without the k-NN
connectivity, on several 2-D data sets (incl. a graph with several components).

    python3 scripts/crosscheck/issue3_agglomerative.py
"""
import json, os, subprocess, warnings
import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.datasets import make_blobs, make_moons
from sklearn.neighbors import kneighbors_graph

warnings.simplefilter("ignore")
os.makedirs("out/crosscheck", exist_ok=True)

def spiral():
    np.random.seed(2)
    t = 2.5 * np.pi * (1 + 2 * np.random.rand(1, 500))
    x = t * np.cos(t); y = t * np.sin(t)
    X = np.concatenate((x, y)); X += 0.5 * np.random.randn(2, 500)
    return X.T

def same_partition(a, b):
    pairs = set(zip(a, b))
    return len(pairs) == len(set(a)) == len(set(b))

rs = np.random.RandomState(5)
sets = {
    "spiral": spiral(),
    "blobs": make_blobs(n_samples=300, centers=4, random_state=2)[0],
    "moons": make_moons(n_samples=400, noise=0.06, random_state=3)[0],
    "uniform": rs.rand(350, 2),
    "far": np.r_[rs.randn(60, 2), rs.randn(50, 2) + 40, rs.randn(40, 2) + [80, 0]],  # kNN graph: 3 components
}
fails = 0
for name, X in sets.items():
    path = f"out/crosscheck/agg_{name}.csv"
    np.savetxt(path, X, delimiter=",", fmt="%.17g")
    for k, nn in [(3, 10), (5, 6)]:
        out = subprocess.run(["deno", "task", "-q", "agglomerative", "--input-file", path, "--linkage", "all",
                              "--clusters", str(k), "--neighbors", str(nn), "--json", "--no-plot"],
                             capture_output=True, text=True)
        if out.returncode != 0:
            print("ERR", name, out.stderr.strip()); fails += 1; continue
        ours = json.loads(out.stdout)["cases"]
        G = kneighbors_graph(X, nn, include_self=False)
        for case in ours:
            m = AgglomerativeClustering(n_clusters=k, linkage=case["linkage"],
                                        connectivity=G if case["connectivity"] else None).fit(X)
            ok = same_partition(case["labels"], m.labels_.tolist())
            fails += not ok
            print("OK  " if ok else "FAIL", name, f"k={k} nn={nn}", case["linkage"],
                  "connected" if case["connectivity"] else "free")
print(f"{fails} failed")
