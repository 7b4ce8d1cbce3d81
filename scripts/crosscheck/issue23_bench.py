#!/usr/bin/env python3
"""Dev-only: scikit-learn's time on issue 23's bench rows (the same data as
scripts/bench.ts: make_blobs(random_state=0), RandomState(0).rand), median of
--reps fits, each in this process after one warm-up fit of the same problem
(a warm-up on 2,000 rows, as before, left BisectingKMeans 1.5× slower on
the full data afterwards: 65–73 ms against 43–48 ms).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 scripts/crosscheck/issue23_bench.py
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(../shared/tools/pyref/setup.sh) scripts/crosscheck/issue23_bench.py --only hdbscan

HDBSCAN needs scikit-learn >= 1.3 (the pyref venv); the others are timed with
whatever scikit-learn runs the script (the project matches 1.2.1).

--first times each row's first fit in a fresh Python process instead (one
process per repetition, scikit-learn imported and the data made before the
clock starts), as `deno task bench` times ours: the same footing, compilation
and first touch of memory included on both sides.
"""
import argparse, statistics, time, warnings
import numpy as np
import sklearn
from sklearn.datasets import make_blobs
from sklearn import cluster

warnings.simplefilter("ignore")
ap = argparse.ArgumentParser()
ap.add_argument("--reps", type=int, default=3)
ap.add_argument("--only", default="")
ap.add_argument("--first", action="store_true")
ap.add_argument("--row", help=argparse.SUPPRESS)  # one first fit of this row (a child of --first)
args = ap.parse_args()


def blobs(n, k, d=2):
    return make_blobs(n_samples=n, centers=k, n_features=d, random_state=0)[0]


ROWS = [
    ("hdbscan 1e5x2 blobs", lambda: blobs(100_000, 3), lambda X: cluster.HDBSCAN().fit(X)),
    ("optics 1e4x2 blobs", lambda: blobs(10_000, 3), lambda X: cluster.OPTICS().fit(X)),
    ("spectral 1e4x2 blobs k=4 nearest_neighbors", lambda: blobs(10_000, 4),
     lambda X: cluster.SpectralClustering(4, affinity="nearest_neighbors", random_state=0).fit(X)),
    ("spectral 2e4x10 blobs k=4 nearest_neighbors", lambda: blobs(20_000, 4, 10),
     lambda X: cluster.SpectralClustering(4, affinity="nearest_neighbors", random_state=0).fit(X)),
    ("birch 1e5x2 blobs threshold=0.5 k=3", lambda: blobs(100_000, 3),
     lambda X: cluster.Birch(threshold=0.5, n_clusters=3).fit(X)),
    ("minibatch kmeans 1e6x2 blobs k=8 nInit=3", lambda: blobs(1_000_000, 8),
     lambda X: cluster.MiniBatchKMeans(8, n_init=3, random_state=0).fit(X)),
    ("minibatch kmeans 70000x784 uniform k=8 nInit=3", lambda: np.random.RandomState(0).rand(70_000, 784),
     lambda X: cluster.MiniBatchKMeans(8, n_init=3, random_state=0).fit(X)),
    ("bisecting kmeans 1e5x2 blobs k=8", lambda: blobs(100_000, 8),
     lambda X: cluster.BisectingKMeans(8, random_state=0).fit(X)),
]
if args.row is not None:
    name, data, fit = next(r for r in ROWS if r[0] == args.row)
    X = data()
    t = time.perf_counter()
    fit(X)
    print(time.perf_counter() - t)
    raise SystemExit(0)
for name, data, fit in ROWS:
    if args.only not in name:
        continue
    if name.startswith("hdbscan") and not hasattr(cluster, "HDBSCAN"):
        continue
    if args.first:
        import subprocess, sys
        times = [float(subprocess.run([sys.executable, __file__, "--row", name], check=True,
                                      capture_output=True, text=True).stdout) for _ in range(args.reps)]
        print(f"{name:50s} {statistics.median(times):8.3f} s  first fit, fresh process "
              f"(scikit-learn {sklearn.__version__})", flush=True)
        continue
    X = data()
    fit(X)  # warm-up: the same problem, so that the timed fits are scikit-learn's warm ones
    times = []
    for _ in range(args.reps):
        t = time.perf_counter()
        fit(X)
        times.append(time.perf_counter() - t)
    print(f"{name:50s} {statistics.median(times):8.3f} s  (scikit-learn {sklearn.__version__})", flush=True)
