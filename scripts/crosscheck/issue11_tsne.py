"""Dev-only cross-check of core/manifold/tsne.ts against scikit-learn 1.2's TSNE.

On data the project never ships (scikit-learn's digits, a 50-d Gaussian
mixture, a noisy Swiss roll), with perplexity 15 and learning rate 100, for
both inits: scikit-learn's KL divergence and trustworthiness (10 neighbours)
over seeds 0..4 against ours, run side by side (ours, theirs, ours, theirs...)
so the times are comparable. Needs Debian's python3-sklearn and deno on PATH;
run from the repository root:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 scripts/crosscheck/issue11_tsne.py [--seeds 5]
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

import numpy as np
from sklearn.datasets import load_digits, make_blobs, make_swiss_roll
from sklearn.manifold import TSNE, trustworthiness

p = argparse.ArgumentParser()
p.add_argument("--seeds", type=int, default=5)
p.add_argument("--only", default="")
p.add_argument("--csv", default="", help="also a headerless CSV of features (e.g. the recipe's codes)")
args = p.parse_args()


def datasets():
    if args.csv:
        yield f"{os.path.basename(args.csv)}", np.loadtxt(args.csv, delimiter=",")
    yield "digits 1797x64", load_digits().data.astype(np.float64)
    X, _ = make_blobs(n_samples=3000, n_features=50, centers=10, cluster_std=4.0, random_state=7)
    yield "blobs 3000x50", X
    X, _ = make_swiss_roll(n_samples=2000, noise=0.5, random_state=3)
    yield "swiss roll 2000x3", X


def ours(path, init, seed):
    out = subprocess.run(
        ["deno", "run", "--allow-read", "scripts/crosscheck/tsne_embed.ts", path,
         "--perplexity", "15", "--learning-rate", "100", "--init", init, "--seed", str(seed)],
        check=True, capture_output=True, text=True).stdout
    return json.loads(out)


failed = 0
with tempfile.TemporaryDirectory() as tmp:
    for name, X in datasets():
        if args.only and args.only not in name:
            continue
        path = os.path.join(tmp, "x.csv")
        np.savetxt(path, X, delimiter=",", fmt="%.17g")
        for init in ["pca", "random"]:
            sk_kl, sk_tw, sk_t, our_kl, our_tw, our_t = [], [], [], [], [], []
            for seed in range(args.seeds):
                r = ours(path, init, seed)
                emb = np.array(r["embedding"]).reshape(-1, 2)
                our_kl.append(r["klDivergence"])
                our_tw.append(trustworthiness(X, emb, n_neighbors=10))
                our_t.append(r["seconds"])
                # our trustworthiness() must agree with scikit-learn's on the same embedding
                if abs(r["trustworthiness"] - our_tw[-1]) > 1e-5:  # ties in distance rank differently
                    print(f"  trustworthiness differs: ours {r['trustworthiness']} sklearn {our_tw[-1]}")
                    failed += 1
                t0 = time.perf_counter()
                tsne = TSNE(perplexity=15, learning_rate=100, init=init, random_state=seed)
                emb = tsne.fit_transform(X)
                sk_t.append(time.perf_counter() - t0)
                sk_kl.append(float(tsne.kl_divergence_))
                sk_tw.append(trustworthiness(X, emb, n_neighbors=10))
            med_kl, med_tw = statistics.median(sk_kl), statistics.median(sk_tw)
            ok_kl = max(our_kl) <= 1.05 * med_kl
            ok_tw = min(our_tw) >= med_tw - 0.01
            failed += (not ok_kl) + (not ok_tw)
            print(f"{name} init={init}: KL ours {['%.4f' % v for v in our_kl]} "
                  f"sklearn median {med_kl:.4f} (range {min(sk_kl):.4f}-{max(sk_kl):.4f}) "
                  f"{'ok' if ok_kl else 'FAIL'}; trust ours min {min(our_tw):.4f} sklearn median "
                  f"{med_tw:.4f} {'ok' if ok_tw else 'FAIL'}; seconds ours "
                  f"{statistics.median(our_t):.2f} sklearn {statistics.median(sk_t):.2f}", flush=True)
print(f"{failed} failed")
