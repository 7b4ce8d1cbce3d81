"""N2D's last steps on our own codes, by umap-learn and scikit-learn (dev-only).

Reads what `deno task n2d` saved in its output folder (default out/n2d):
codes.f64 (the autoencoder's n x 10 codes), umap.f64 (our UMAP of them),
labels.json (the digits and our clusters), and compares:

1. scikit-learn's GaussianMixture(10, "full", random_state=seed) on OUR UMAP
   codes against our mixture's clusters (the same start, so the same labels
   are expected), and its accuracy over random states 0..9 and with
   n_init=10: how much one k-means start decides.
2. umap-learn (n_components, n_neighbors 20, min_dist 0, random_state) on our
   codes, then the same mixture: the reference pipeline's accuracy on the
   same codes, for a few random states.
3. KMeans(10, n_init=20) on the codes and on our UMAP codes.

Run from the repository root with Debian's scikit-learn 1.2.1 (whose
GaussianMixture ours follows; part 2 is skipped there) and with the
umap-learn venv (PY=$(../shared/tools/pyref/setup.sh), scikit-learn 1.9.1,
whose k-means starts elsewhere):
    /usr/bin/python3 scripts/crosscheck/issue22_n2d.py [out/n2d] [--dim 10]
    $PY scripts/crosscheck/issue22_n2d.py [out/n2d] [--umap-seeds 0,1,2] [--dim 10]
"""
import json
import os
import sys
import time

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.mixture import GaussianMixture


def acc(y, p):
    k = max(y.max(), p.max()) + 1
    w = np.zeros((k, k), dtype=np.int64)
    np.add.at(w, (p, y), 1)
    r, c = linear_sum_assignment(-w)
    return w[r, c].sum() / len(y)


def scores(y, p):
    return {"acc": round(acc(y, p), 4), "nmi": round(normalized_mutual_info_score(y, p), 4),
            "ari": round(adjusted_rand_score(y, p), 4)}


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = args[0] if args else "out/n2d"
    seeds = [0, 1, 2]
    if "--umap-seeds" in sys.argv:
        seeds = [int(s) for s in sys.argv[sys.argv.index("--umap-seeds") + 1].split(",")]
    dim = int(sys.argv[sys.argv.index("--dim") + 1]) if "--dim" in sys.argv else 10
    labels = json.load(open(os.path.join(out, "labels.json")))
    y = np.array(labels["digits"])
    n = len(y)
    codes = np.fromfile(os.path.join(out, "codes.f64")).reshape(n, -1)
    ours_umap = np.fromfile(os.path.join(out, "umap.f64")).reshape(n, dim)
    ours = np.array(labels["n2d"])
    import sklearn
    print(json.dumps({"what": "ours", "n2d": scores(y, ours), "sklearn": sklearn.__version__}), flush=True)

    # 1. scikit-learn's mixture on our UMAP codes.
    same = GaussianMixture(10, covariance_type="full", random_state=0).fit(ours_umap).predict(ours_umap)
    print(json.dumps({"what": "sklearn GMM rs=0 on our UMAP", **scores(y, same),
                      "ari_with_ours": round(adjusted_rand_score(ours, same), 6)}), flush=True)
    accs = []
    for rs in range(10):
        p = GaussianMixture(10, covariance_type="full", random_state=rs).fit(ours_umap).predict(ours_umap)
        accs.append(acc(y, p))
    print(json.dumps({"what": "sklearn GMM rs=0..9 on our UMAP", "acc": [round(a, 4) for a in accs],
                      "median": round(float(np.median(accs)), 4)}), flush=True)
    p = GaussianMixture(10, covariance_type="full", n_init=10, random_state=0).fit(ours_umap).predict(ours_umap)
    print(json.dumps({"what": "sklearn GMM n_init=10 on our UMAP", **scores(y, p)}), flush=True)

    # 3. k-means on the codes and on our UMAP codes.
    for name, X in [("codes", codes), ("our UMAP", ours_umap)]:
        p = KMeans(10, n_init=20, random_state=0).fit_predict(X)
        print(json.dumps({"what": f"sklearn KMeans n_init=20 on {name}", **scores(y, p)}), flush=True)

    # 2. umap-learn on our codes, then the mixture.
    try:
        import umap
    except ImportError:
        print(json.dumps({"what": "umap-learn", "skipped": "not installed in this Python"}))
        return
    for s in seeds:
        t = time.perf_counter()
        e = umap.UMAP(n_components=dim, n_neighbors=20, min_dist=0.0, random_state=s).fit_transform(codes)
        sec = time.perf_counter() - t
        p = GaussianMixture(10, covariance_type="full", random_state=s).fit(e).predict(e)
        q = KMeans(10, n_init=20, random_state=s).fit_predict(e)
        print(json.dumps({"what": f"umap-learn rs={s} + GMM", **scores(y, p), "kmeans_acc": round(acc(y, q), 4),
                          "umap_seconds": round(sec, 1)}), flush=True)


if __name__ == "__main__":
    main()
