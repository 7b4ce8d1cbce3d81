"""Dev-only: the `tsne` rows of `deno task bench` beside scikit-learn 1.2's
TSNE on the same data (make_blobs(n, d, centers=10, cluster_std=5,
random_state=0), which core/datasets/make_blobs.ts regenerates bit for
bit), perplexity 15, learning rate 100, PCA init, Barnes-Hut, measured in
turn (ours, theirs, ours, theirs...) so the ratio is fair on a noisy machine.
Run from the repository root, with the OpenBLAS variables unset:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 scripts/crosscheck/issue11_tsne_bench.py [--reps 2] [--only 5000]
"""
import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

from sklearn.datasets import make_blobs
from sklearn.manifold import TSNE

p = argparse.ArgumentParser()
p.add_argument("--reps", type=int, default=2)
p.add_argument("--only", default="")
p.add_argument("--child", default="")
args = p.parse_args()

if args.child:
    n, d = map(int, args.child.split("x"))
    X, _ = make_blobs(n_samples=n, n_features=d, centers=10, cluster_std=5, random_state=0)
    t0 = time.perf_counter()
    tsne = TSNE(perplexity=15, learning_rate=100, init="pca", random_state=0).fit(X)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peakMB": peak, "kl": float(tsne.kl_divergence_)}))
    sys.exit()

for shape in ["5000x64", "20000x50"]:
    if args.only and args.only not in shape:
        continue
    ours, theirs = [], []
    for _ in range(args.reps):
        out = subprocess.run(["deno", "task", "bench", "--only", f"tsne {shape}", "--reps", "1",
                              "--json"], check=True, capture_output=True, text=True).stdout
        row = json.loads(out.strip().splitlines()[-1])["rows"][0]
        ours.append((row["medianSeconds"], row["peakMB"]))
        out = subprocess.run([sys.executable, __file__, "--child", shape], check=True,
                             capture_output=True, text=True).stdout
        r = json.loads(out)
        theirs.append((r["seconds"], r["peakMB"], r["kl"]))
        print(f"tsne {shape}: ours {ours[-1][0]:.2f} s {ours[-1][1]:.0f} MB; "
              f"sklearn {r['seconds']:.2f} s {r['peakMB']:.0f} MB (kl {r['kl']:.4f})", flush=True)
    o = statistics.median(t for t, _ in ours)
    t = statistics.median(t for t, _, _ in theirs)
    print(f"tsne {shape}: median ours {o:.2f} s, sklearn {t:.2f} s, ratio {o / t:.2f}")
