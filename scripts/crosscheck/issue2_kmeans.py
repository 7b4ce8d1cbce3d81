#!/usr/bin/env python3
"""Dev-only cross-check of the k-means recipes against scikit-learn.

Needs Debian's python3-sklearn (never needed by the tests). Run from the
repository root with `deno` on PATH:

    python3 scripts/crosscheck/issue2_kmeans.py

It runs each recipe with --json and compares with scikit-learn / NumPy on the
same data; every line ends in OK or FAIL.
"""
import json, subprocess, sys
import numpy as np
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import silhouette_score

fails = 0
def check(name, ok, detail=""):
    global fails
    fails += 0 if ok else 1
    print(f"{'OK  ' if ok else 'FAIL'} {name} {detail}")

def task(name, *args):
    out = subprocess.run(["deno", "task", "-q", name, *args, "--json", "--no-plot"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)

# 1. kmeans: centroids and inertia vs KMeans(n_init=10) over seeds.
X = np.loadtxt("data/data_multivar.txt", delimiter=",")
ours = task("kmeans")
sk = [KMeans(4, n_init=10, random_state=s).fit(X) for s in range(20)]
best = min(m.inertia_ for m in sk)
check("kmeans inertia == best sklearn inertia", abs(ours["inertia"] - best) < 1e-9,
      f"ours={ours['inertia']} sklearn={best}")
sc = sorted(map(tuple, sk[0].cluster_centers_)); oc = sorted(map(tuple, ours["centers"]))
check("kmeans centroids", np.allclose(sc, oc, atol=1e-9), f"{oc}")

# 2. silhouette: our scores vs sklearn's silhouette_score of the same labels is
# implicit (labels not in JSON), so compare inertia per k with sklearn's median
# over seeds, and the k = 2, 4, 5 scores with sklearn's.
P = np.loadtxt("data/data_perf.txt", delimiter=",")
ours = task("silhouette")
for s in ours["scores"]:
    k = s["k"]
    fits = [KMeans(k, n_init=10, random_state=r).fit(P) for r in range(15)]
    med = float(np.median([f.inertia_ for f in fits]))
    check(f"silhouette k={k} inertia <= sklearn median", s["inertia"] <= med * (1 + 1e-9),
          f"ours={s['inertia']:.6f} median={med:.6f}")
    if k in (2, 4, 5):
        skscore = silhouette_score(P, fits[0].labels_)
        check(f"silhouette k={k} score", abs(skscore - s["score"]) < 1e-9, f"{s['score']} vs {skscore}")
check("silhouette best k", ours["bestK"] == 5)

# 3. kmeans_steps: same blobs, and three Lloyd steps in NumPy from our init.
B, _ = make_blobs(random_state=6)
ours = task("kmeans_steps")
c = np.array(ours["init"])
for i, step in enumerate(ours["steps"]):
    lab = np.argmin(((B[:, None, :] - c[None]) ** 2).sum(-1), axis=1)
    c = np.array([B[lab == j].mean(0) for j in range(len(c))])
    check(f"kmeans_steps step {i+1} labels", (lab == np.array(step["labels"])).all())
    check(f"kmeans_steps step {i+1} centres", np.allclose(c, step["centers"], atol=1e-12))

# 4. vector quantization: our weighted k-means on distinct pixel values vs
# KMeans on every pixel (n_init=4): same distortion (within 0.5%) per depth.
from PIL import Image
ours = task("vector_quantization", "--num-bits", "4")
img = np.asarray(Image.open("data/flower_image.jpg").convert("L"), dtype=np.float64)
for s in ours["sweep"][:6]:
    km = KMeans(2 ** s["bits"], n_init=4, random_state=0).fit(img.reshape(-1, 1))
    q = np.round(km.cluster_centers_[km.labels_].ravel())
    mse = float(((img.ravel() - q) ** 2).mean())
    # PIL's libjpeg and jpeg-js differ by ±1 on some pixels, so compare loosely.
    check(f"vq {s['bits']} bits MSE vs sklearn on all pixels", s["mse"] <= mse * 1.02,
          f"ours={s['mse']:.3f} sklearn={mse:.3f}")
check("vq factor/rate", ours["factor"] == 2.0 and ours["compressionRate"] == 50.0)

# 5. Other 2-D data sets, several seeds: the inertia the silhouette recipe
# reaches for each k must not be worse than sklearn's median over seeds.
import os
os.makedirs("out/crosscheck", exist_ok=True)
rng = np.random.RandomState(123)
sets = {
    "blobs8": make_blobs(400, centers=8, cluster_std=1.5, random_state=1)[0],
    "uniform": rng.uniform(0, 10, (300, 2)),
    "aniso": make_blobs(300, centers=4, random_state=170)[0] @ np.array([[0.6, -0.6], [-0.4, 0.8]]),
    "multivar": X,
}
for name, D in sets.items():
    path = f"out/crosscheck/{name}.txt"
    np.savetxt(path, D, delimiter=",")
    med = {k: float(np.median([KMeans(k, n_init=10, random_state=r).fit(D).inertia_ for r in range(11)]))
           for k in range(2, 10)}
    worse = []
    for seed in range(4):
        res = task("silhouette", "--input-file", path, "--seed", str(seed))
        worse += [(seed, s["k"], s["inertia"], med[s["k"]]) for s in res["scores"]
                  if s["inertia"] > med[s["k"]] * (1 + 1e-9)]
    check(f"{name}: inertia <= sklearn median for k=2..9, seeds 0..3", not worse, f"{worse}")

print(f"{fails} failed")
sys.exit(1 if fails else 0)
