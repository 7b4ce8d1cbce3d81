#!/usr/bin/env python3
"""Dev-only: recipes/customer_segmentation.ts vs scikit-learn's estimate_bandwidth
and MeanShift(bin_seeding=True): bandwidth, centres (same order) and labels,
on the shipped data for several quantiles and on synthetic data.

    python3 scripts/crosscheck/issue3_meanshift.py
"""
import json, os, subprocess
import numpy as np
from sklearn.cluster import MeanShift, estimate_bandwidth
from sklearn.datasets import make_blobs

os.makedirs("out/crosscheck", exist_ok=True)
fails = 0
def check(name, ok, detail=""):
    global fails
    fails += not ok
    print(("OK  " if ok else "FAIL"), name, detail)

def run(path, *args):
    out = subprocess.run(["deno", "task", "-q", "customer_segmentation", "--input-file", path, *args,
                          "--json", "--no-plot"], capture_output=True, text=True)
    if out.returncode != 0:
        return None, out.stderr.strip()
    return json.loads(out.stdout), ""

sets = {"wholesale": "data/wholesale.csv"}
for seed in range(4):
    X, _ = make_blobs(n_samples=600, centers=5, n_features=3, cluster_std=1.2, random_state=seed)
    path = f"out/crosscheck/ms_blobs{seed}.csv"
    np.savetxt(path, np.c_[np.zeros(len(X)), np.zeros(len(X)), X], delimiter=",", fmt="%.17g",
               header="Channel,Region,a,b,c", comments="")
    sets[f"blobs{seed}"] = path
for name, path in sets.items():
    X = np.loadtxt(path, delimiter=",", skiprows=1)[:, 2:]
    for q in [0.2, 0.5, 0.8]:
        bw = estimate_bandwidth(X, quantile=q, n_samples=len(X))
        ms = MeanShift(bandwidth=bw, bin_seeding=True).fit(X)
        ours, err = run(path, "--quantile", str(q))
        if ours is None:
            check(f"{name} q={q}", False, err); continue
        check(f"{name} q={q} bandwidth", abs(ours["bandwidth"] - bw) <= 1e-9 * bw, f"{ours['bandwidth']} vs {bw}")
        oc = np.array(ours["centers"])
        same = oc.shape == ms.cluster_centers_.shape and np.allclose(oc, ms.cluster_centers_, rtol=1e-9, atol=1e-6)
        check(f"{name} q={q} centres ({len(ms.cluster_centers_)})", same)
        check(f"{name} q={q} labels", ours["labels"] == ms.labels_.tolist())
print(f"{fails} failed")
