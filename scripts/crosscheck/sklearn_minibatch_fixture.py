#!/usr/bin/env python3
"""Dev-only: writes tests/fixtures/sklearn_minibatch_kmeans.json — scikit-learn
1.2.1's MiniBatchKMeans: `fit` (labels, centres, inertia, n_steps_, n_iter_)
on small data sets with several batches, early stopping and random
reassignment, and `partial_fit` loops over fixed chunks (centres after
every call).

The data are not stored: each set is rebuilt in the test from
`np.random.RandomState(seed)` draws (core/random.ts is NumPy-exact):
  blobs: X[i] = centres[i % m] + std * randn(n, d)[i];  uniform: rand(n, d).

    /usr/bin/python3 scripts/crosscheck/sklearn_minibatch_fixture.py
"""
import contextlib, io, json, warnings
import numpy as np
import sklearn
from sklearn.cluster import MiniBatchKMeans

assert sklearn.__version__ == "1.2.1", sklearn.__version__
warnings.simplefilter("ignore")


def make(spec):
    rs = np.random.RandomState(spec["seed"])
    if spec["kind"] == "blobs":
        C = np.array(spec["centers"], dtype=float)
        n, d = spec["n"], C.shape[1]
        g = rs.randn(n, d)
        return C[np.arange(n) % len(C)] + spec["std"] * g
    return rs.rand(spec["n"], spec["d"])


def count_reassign(out):
    return sum(1 for line in out.splitlines() if "Reassigning" in line)


sets = {
    "blobs2": {"kind": "blobs", "seed": 0, "n": 3000, "std": 1.0,
               "centers": [[0, 0], [6, 0], [0, 6], [6, 6]]},
    "blobs5": {"kind": "blobs", "seed": 1, "n": 2000, "std": 0.5,
               "centers": [[0, 0, 0, 0, 0], [3, 3, 3, 3, 3], [-3, 0, 3, 0, -3]]},
    "uniform3": {"kind": "uniform", "seed": 2, "n": 2500, "d": 3},
    "small": {"kind": "blobs", "seed": 4, "n": 1200, "std": 0.8,
              "centers": [[0, 0], [5, 1], [1, 5], [7, 7]]},
    "tiny": {"kind": "blobs", "seed": 3, "n": 400, "std": 1.0, "centers": [[0, 0], [4, 4]]},
    "uniform40": {"kind": "uniform", "seed": 6, "n": 1500, "d": 40},
    "chunks3": {"kind": "blobs", "seed": 5, "n": 2000, "std": 0.7,
                "centers": [[0, 0, 0], [4, 0, 0], [0, 4, 0], [0, 0, 4]]},
}
data = {name: make(spec) for name, spec in sets.items()}

fits = [
    ("blobs2", dict(n_clusters=4, batch_size=50, n_init=3, random_state=0)),
    ("blobs5", dict(n_clusters=8, batch_size=64, init="random", n_init=3, tol=1e-3,
                    reassignment_ratio=0.3, random_state=3)),
    ("uniform3", dict(n_clusters=6, batch_size=100, init="explicit", max_iter=3,
                      max_no_improvement=None, random_state=5)),
    ("blobs2", dict(random_state=1)),  # every default: n_init "warn" -> 3, batch 1024
    ("small", dict(n_clusters=5, batch_size=30, init_size=100, n_init=2,
                   reassignment_ratio=0.5, random_state=7)),
    ("tiny", dict(n_clusters=6, batch_size=20, init_size=4, random_state=2)),
    ("small", dict(n_clusters=3, batch_size=50, tol=0.01, max_no_improvement=3, random_state=11)),
    # d >= 16: the WebAssembly SIMD products (core/cluster/_minibatch_dots.ts)
    ("uniform40", dict(n_clusters=9, batch_size=100, n_init=3, random_state=8)),
]
cases = []
for name, params in fits:
    X = data[name]
    p = dict(params)
    if p.get("init") == "explicit":
        p["init"] = X[: p["n_clusters"]] * 0.5 + 0.25
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        m = MiniBatchKMeans(verbose=1, **p).fit(X)
    case = {"data": name, "params": {k: v for k, v in params.items()},
            "reassignments": count_reassign(out.getvalue()),
            "labels": m.labels_.tolist(), "centers": m.cluster_centers_.tolist(),
            "inertia": float(m.inertia_), "nSteps": int(m.n_steps_), "nIter": int(m.n_iter_)}
    cases.append(case)
    print(name, params, "steps", m.n_steps_, "reassign", case["reassignments"])

partials = [
    ("chunks3", [100] * 20, dict(n_clusters=5, random_state=0)),
    ("chunks3", [150] + [40] * 46 + [10], dict(n_clusters=7, init="random", batch_size=20,
                                              reassignment_ratio=0.4, random_state=4)),
    ("uniform40", [150] * 10, dict(n_clusters=6, random_state=9)),
]
for name, sizes, params in partials:
    X = data[name]
    assert sum(sizes) == X.shape[0]
    m = MiniBatchKMeans(verbose=1, **params)
    out = io.StringIO()
    steps = []
    start = 0
    with contextlib.redirect_stdout(out):
        for s in sizes:
            m.partial_fit(X[start:start + s])
            start += s
            steps.append(m.cluster_centers_.tolist())
    case = {"data": name, "chunks": sizes, "params": params,
            "reassignments": count_reassign(out.getvalue()),
            "centersAfter": steps, "nSteps": int(m.n_steps_), "lastLabels": m.labels_.tolist(),
            "lastInertia": float(m.inertia_),
            "predict": m.predict(X[:50]).tolist()}
    print(name, sizes[:3], "reassign", case["reassignments"])
    cases.append({"partial": True, **case})

# random reassignment must happen in fit (blobs5, small with ratio 0.5) and partial_fit
assert cases[1]["reassignments"] > 0 and cases[4]["reassignments"] > 0 and cases[-2]["reassignments"] > 0
json.dump({"sklearn": sklearn.__version__, "sets": sets, "cases": cases},
          open("tests/fixtures/sklearn_minibatch_kmeans.json", "w"), separators=(",", ":"))
print("wrote tests/fixtures/sklearn_minibatch_kmeans.json")
