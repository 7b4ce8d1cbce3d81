#!/usr/bin/env python3
"""Dev-only (issue 22): writes tests/fixtures/gmm_sklearn.json — scikit-learn
1.2's GaussianMixture fitted on synthetic data sets for every covariance type,
every init_params, a few seeds and n_init 1 and 3, which
core/mixture/gaussian_mixture.ts must reproduce (tests/gaussian_mixture_test.ts).

Two groups of data sets: "tuning" (used while writing the TypeScript) and
"holdout" (other make_blobs seeds and transforms, only checked at the end,
so a pass there is not a result of tuning on them).

The data are rounded to 4 decimals before fitting, so the JSON holds them
exactly. Also records NumPy's legacy draws behind init_params "random" and
"random_from_data" (uniform, choice without replacement).

    /usr/bin/python3 scripts/crosscheck/issue22_gmm.py   # Debian's sklearn 1.2.1

With --bench [REPEATS]: times GaussianMixture(10, covariance_type="full",
random_state=0).fit on 10,000 x 10 blobs (also written to
/tmp/gmm_bench.json, for timing the TypeScript on the same data) and prints
seconds, n_iter_ and lower_bound_ per fit. Unset OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE when timing.
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.datasets import make_blobs
from sklearn.mixture import GaussianMixture

COV_TYPES = ["full", "tied", "diag", "spherical"]
INITS = ["kmeans", "k-means++", "random", "random_from_data"]


def rounded(X):
    return np.round(X, 4)


def g10(a):
    """10 significant digits (the tests compare parameters to 1e-6), to keep the file small."""
    return [float(f"{v:.10g}") for v in np.asarray(a).ravel()]


def datasets():
    """(name, group, X, k) for each data set."""
    out = []
    X, _ = make_blobs(n_samples=300, centers=3, n_features=2, random_state=1)
    out.append(("blobs2d", "tuning", rounded(X), 3))
    X, _ = make_blobs(n_samples=250, centers=3, n_features=2, random_state=170)
    X = X @ np.array([[0.6, -0.64], [-0.41, 0.85]])
    out.append(("aniso2d", "tuning", rounded(X), 3))
    X, _ = make_blobs(n_samples=300, centers=4, n_features=5,
                      cluster_std=[1.0, 2.5, 0.5, 1.5], random_state=3)
    out.append(("varied5d", "tuning", rounded(X), 4))
    X, _ = make_blobs(n_samples=200, centers=3, n_features=5, random_state=4)
    A = np.random.RandomState(5).normal(size=(5, 5))
    out.append(("aniso5d_k4", "tuning", rounded(X @ A), 4))
    # Holdout: other seeds, other sizes, other transforms.
    X, _ = make_blobs(n_samples=280, centers=4, n_features=2, cluster_std=1.3, random_state=11)
    out.append(("holdout_blobs2d", "holdout", rounded(X), 4))
    X, _ = make_blobs(n_samples=240, centers=3, n_features=5, cluster_std=[0.7, 1.2, 2.0],
                      random_state=12)
    A = np.random.RandomState(13).uniform(-1, 1, size=(5, 5))
    out.append(("holdout_aniso5d", "holdout", rounded(X @ A + 3.0), 3))
    return out


def fit_case(name, X, query, k, cov, init, seed, n_init, max_iter=100):
    gm = GaussianMixture(n_components=k, covariance_type=cov, init_params=init,
                         random_state=seed, n_init=n_init, max_iter=max_iter)
    labels = gm.fit_predict(X)
    assert (labels == gm.predict(X)).all()
    extra = {}
    if n_init > 1:
        # Each restart's lower bound (the restarts share one generator), so
        # the tests can tell a tie between restarts (the same optimum, its
        # components in another order) from a real difference.
        rs = np.random.RandomState(seed)
        runs = [GaussianMixture(n_components=k, covariance_type=cov, init_params=init,
                                random_state=rs, max_iter=max_iter).fit(X)
                for _ in range(n_init)]
        extra["initLowerBounds"] = [float(r.lower_bound_) for r in runs]
        extra["initNIters"] = [int(r.n_iter_) for r in runs]
        assert max(extra["initLowerBounds"]) == gm.lower_bound_
    return {
        "data": name, "k": k, "covarianceType": cov, "initParams": init,
        "seed": seed, "nInit": n_init, "maxIter": max_iter,
        # k <= 10: one digit per sample
        "labels": "".join(str(int(v)) for v in labels),
        "weights": g10(gm.weights_),
        "means": g10(gm.means_),
        "covariances": g10(gm.covariances_),
        "lowerBound": float(gm.lower_bound_),
        "nIter": int(gm.n_iter_),
        "converged": bool(gm.converged_),
        "bic": float(gm.bic(X)),
        "aic": float(gm.aic(X)),
        "score": float(gm.score(X)),
        "scoreSamples": gm.score_samples(query).tolist(),
        "predictProba": g10(gm.predict_proba(query[:2])),
        **extra,
    }


def fixture():
    out = {"sklearn_version": sklearn.__version__, "numpy_version": np.__version__,
           "datasets": {}, "cases": []}
    for name, group, X, k in datasets():
        # A few points to score: two samples and two points off the data.
        lo, hi = X.min(axis=0), X.max(axis=0)
        query = np.vstack([X[0], X[7], (lo + hi) / 2, hi + (hi - lo) / 4])
        out["datasets"][name] = {"group": group, "rows": X.shape[0], "cols": X.shape[1],
                                 "data": X.ravel().tolist(), "query": query.ravel().tolist()}
        seeds = [(0, 1), (1, 3)] if group == "tuning" else [(5, 1), (6, 3)]
        for cov in COV_TYPES:
            for init in INITS:
                for seed, n_init in seeds:
                    out["cases"].append(fit_case(name, X, query, k, cov, init, seed, n_init))
        if name == "blobs2d":
            # Stopped early: not converged, parameters after 2 iterations.
            for cov in COV_TYPES:
                out["cases"].append(fit_case(name, X, query, k, cov, "random", 3, 1, max_iter=2))
    # The legacy draws behind "random" and "random_from_data".
    out["rng"] = {
        "choice": [{"seed": s, "n": n, "k": k,
                    "indices": np.random.RandomState(s).choice(n, k, replace=False).tolist()}
                   for s, n, k in [(0, 300, 3), (1, 250, 4), (42, 10, 10)]],
        "uniform": {"seed": 7, "shape": [3, 4],
                    "values": np.random.RandomState(7).uniform(size=(3, 4)).ravel().tolist()},
    }
    with open("tests/fixtures/gmm_sklearn.json", "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"wrote tests/fixtures/gmm_sklearn.json: {len(out['cases'])} cases")


def bench():
    X, _ = make_blobs(n_samples=10_000, centers=10, n_features=10, cluster_std=2.0,
                      random_state=0)
    X = rounded(X)
    with open("/tmp/gmm_bench.json", "w") as f:
        json.dump({"rows": X.shape[0], "cols": X.shape[1], "data": X.ravel().tolist()}, f)
    for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 1):
        t = time.perf_counter()
        gm = GaussianMixture(10, covariance_type="full", random_state=0).fit(X)
        dt = time.perf_counter() - t
        print(json.dumps({"seconds": dt, "nIter": int(gm.n_iter_),
                          "lowerBound": float(gm.lower_bound_)}))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--bench":
        bench()
    else:
        fixture()
