"""Dev-only: scikit-learn 1.2's KMeans on the data of issue 25's k-means
bench rows, for side-by-side ratios with `deno task bench --only kmeans`
(run the two in turn: ours, theirs, ours, theirs). The data are
regenerated bit for bit by core/datasets/make_blobs.ts:
make_blobs(100000, centers=8, random_state=0), make_blobs(60000,
n_features=64, centers=10, cluster_std=10, random_state=0), 60000 rows of
16 and 32 features and 20000 rows of 192 and 256 features likewise
(either side of our assignment kernels' boundaries). Prints one
line per row: name, median seconds of --reps fits, n_iter_, inertia_.
Run from the repository root with the OpenBLAS variables unset:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 scripts/crosscheck/issue25_kmeans_bench.py [--reps 3] [--only 64]
"""
import argparse
import statistics
import time

from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs

ROWS = [
    ("kmeans 1e5x2 blobs k=8 nInit=10 lloyd", dict(n_samples=100_000, centers=8), 8, 10, "lloyd"),
    ("kmeans 1e5x2 blobs k=8 nInit=10 elkan", dict(n_samples=100_000, centers=8), 8, 10, "elkan"),
] + [
    (
        f"kmeans {n}x{d} blobs k=10 nInit=10 lloyd",
        dict(n_samples=n, n_features=d, centers=10, cluster_std=10),
        10,
        10,
        "lloyd",
    )
    for n, d in ((60_000, 64), (60_000, 16), (60_000, 32), (20_000, 192), (20_000, 256))
]

p = argparse.ArgumentParser()
p.add_argument("--reps", type=int, default=3)
p.add_argument("--only", default="")
args = p.parse_args()
for name, blobs, k, n_init, algorithm in ROWS:
    if args.only not in name:
        continue
    X = make_blobs(random_state=0, **blobs)[0]
    times = []
    for _ in range(args.reps):
        t = time.perf_counter()
        km = KMeans(n_clusters=k, n_init=n_init, algorithm=algorithm, random_state=0).fit(X)
        times.append(time.perf_counter() - t)
    print(f"{name}\t{statistics.median(times):.3f}s\tn_iter={km.n_iter_}\tinertia={km.inertia_:.10g}")
