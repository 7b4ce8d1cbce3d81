#!/usr/bin/env python3
"""Dev-only (issue 22): umap-learn references for core/manifold/umap.ts.

Writes tests/fixtures/umap_reference.json (read by tests/umap_test.ts):

- "graph": umap-learn's fuzzy_simplicial_set (on float32 data with exact
  Euclidean neighbours, as UMAP.fit computes them below 4,096 rows) on
  300 x 5 blobs, k = 15, and on 120 x 5 with k = 10, set_op_mix_ratio 0.5,
  local_connectivity 1.5: sigmas, rhos, the CSR graph, and spectral_layout
  of the graph pruned for 500 epochs;
- "ab": find_ab_params for several (spread, min_dist);
- "tau": tau_rand_int outputs for a few per-vertex states, and
  RandomState(s).randint(INT32_MIN, INT32_MAX, 3);
- "trust": trustworthiness (k = 5) of UMAP(random_state=s).fit on a held-out
  data set (400 x 10, not used while writing the TypeScript) for seeds 0, 1, 2
  and each (init, min_dist), and of transform() on 100 held-out rows.

Every data set is drawn from np.random.RandomState, which core/random.ts
reproduces bit for bit, so the tests regenerate them and the JSON holds no data.

    PY=$(/work/shared/tools/pyref/setup.sh)
    $PY scripts/crosscheck/issue22_umap.py            # fixture (--no-trust: keep the trust part)
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $PY scripts/crosscheck/issue22_umap.py --bench

--bench [REPS] times ours (deno, a temporary script) and umap-learn (after
a first fit that compiles numba) alternately on the make_blobs data of
scripts/bench.ts's UMAP rows, and prints seconds and trustworthiness
(10 neighbours) on a 5,000-row subsample; --umap-js DIR also runs umap-js
(npm install umap-js in DIR, outside the project) with Node once; --only
TEXT keeps the rows whose name contains TEXT.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import scipy.sparse
from sklearn.manifold import trustworthiness
from sklearn.metrics import pairwise_distances

import umap
import umap.distances
from umap.umap_ import INT32_MAX, INT32_MIN, find_ab_params, fuzzy_simplicial_set
from umap.utils import tau_rand_int
from umap.spectral import spectral_layout
import scipy.sparse.csgraph

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def blobs(seed, n, d, centers, scale):
    """centers x d centres (randn * scale), then n rows: centre[i % centers] + randn."""
    rs = np.random.RandomState(seed)
    c = rs.randn(centers, d) * scale
    labels = np.arange(n) % centers
    return c[labels] + rs.randn(n, d)


def holdout(n=400):
    """The trustworthiness data set: 5 blobs in 10-D with unequal spreads."""
    rs = np.random.RandomState(7)
    c = rs.randn(5, 10) * 4
    labels = np.arange(n) % 5
    return c[labels] + rs.randn(n, 10) * (0.5 + labels / 5.0)[:, None]


def exact_knn(X, k):
    """UMAP.fit's small-data path: float32 data, umap.distances.euclidean, stable argsort."""
    dmat = pairwise_distances(X, metric=umap.distances.named_distances["euclidean"])
    ind = np.argsort(dmat, axis=1, kind="mergesort")[:, :k]
    return ind, dmat[np.arange(X.shape[0])[:, None], ind]


def graph_case(X, k, mix, lc):
    X = X.astype(np.float32)  # as UMAP.fit's check_array
    ind, dist = exact_knn(X, k)
    g, sigmas, rhos = fuzzy_simplicial_set(
        X, k, np.random.RandomState(0), "euclidean",
        knn_indices=ind, knn_dists=dist, set_op_mix_ratio=mix, local_connectivity=lc,
    )
    g = g.tocsr()
    g.sort_indices()
    # umap-learn's spectral initialisation of the graph pruned for 500 epochs
    p = g.copy()
    p.data[p.data < p.data.max() / 500.0] = 0.0
    p.eliminate_zeros()
    spec = spectral_layout(X, p.tocoo(), 2, np.random.RandomState(0))
    n_comp = int(scipy.sparse.csgraph.connected_components(p)[0])
    return {
        "spectral": [round(float(v), 7) for v in np.asarray(spec).ravel()], "components": n_comp,
        "k": k, "setOpMixRatio": mix, "localConnectivity": lc,
        "sigmas": [float(v) for v in sigmas], "rhos": [float(v) for v in rhos],
        "indptr": g.indptr.tolist(), "indices": g.indices.tolist(),
        "values": [float(v) for v in g.data],
    }


def tau_case(seeds, x0, count=12):
    state = np.array(seeds, dtype=np.int64) + np.array([x0], dtype=np.float32).astype(np.float64).view(np.int64)
    return {"seeds": list(seeds), "x0": float(np.float32(x0)), "out": [int(tau_rand_int(state)) for _ in range(count)]}


def fixture():
    out = {"umap_commit": "e82ed0d", "umap_version": umap.__version__}
    out["graph"] = [
        graph_case(blobs(22, 300, 5, 4, 3.0), 15, 1.0, 1.0),
        graph_case(blobs(23, 120, 5, 3, 2.0), 10, 0.5, 1.5),
    ]
    out["ab"] = []
    for spread, md in [(1.0, 0.1), (1.0, 0.0), (1.0, 0.001), (1.0, 0.5), (1.0, 0.99), (2.0, 0.3), (0.5, 0.05), (3.0, 1.0)]:
        a, b = find_ab_params(spread, md)
        out["ab"].append({"spread": spread, "minDist": md, "a": float(a), "b": float(b)})
    out["tau"] = {
        "cases": [tau_case([-12345, 67890, 2**31 - 5], 3.7), tau_case([INT32_MIN, 0, INT32_MAX], -8.25),
                  tau_case([1, 2, 3], 0.0), tau_case([987654321, -987654321, 5], 1e-30)],
        "randint": {str(s): np.random.RandomState(s).randint(INT32_MIN, INT32_MAX, 3).tolist() for s in (0, 42)},
    }
    path = os.path.join(ROOT, "tests", "fixtures", "umap_reference.json")
    if "--no-trust" in sys.argv:  # refresh all but the (slow) trustworthiness references
        with open(path) as f:
            old = json.load(f)
        out["trust"], out["transform"] = old["trust"], old["transform"]
        with open(path, "w") as f:
            json.dump(out, f, separators=(",", ":"))
        return
    X = holdout()
    trust = []
    for init, md in [("spectral", 0.1), ("random", 0.1), ("spectral", 0.5), ("spectral", 0.0)]:
        ts = []
        for s in (0, 1, 2):
            emb = umap.UMAP(random_state=s, init=init, min_dist=md).fit_transform(X)
            ts.append(float(trustworthiness(X, emb, n_neighbors=5)))
        trust.append({"init": init, "minDist": md, "seeds": [0, 1, 2], "trust": ts, "median": float(np.median(ts))})
        print(init, md, ts, flush=True)
    out["trust"] = trust
    # transform: fit on the first 300 rows, transform the last 100
    tt = []
    for s in (0, 1, 2):
        m = umap.UMAP(random_state=s).fit(X[:300])
        emb = m.transform(X[300:])
        tt.append(float(trustworthiness(X[300:], emb, n_neighbors=5)))
    out["transform"] = {"fitRows": 300, "trust": tt, "median": float(np.median(tt))}
    print("transform", tt)
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print("wrote", path, os.path.getsize(path), "bytes")


TS_BENCH = r"""
import { umap } from "%(root)s/core/manifold/umap.ts";
import { matrix } from "%(root)s/core/matrix.ts";
const [path, n, d, dim, nn, md, out] = Deno.args;
const X = matrix(+n, +d, new Float64Array(Deno.readFileSync(path).buffer));
const t = performance.now();
const m = umap(X, { randomState: 0, nComponents: +dim, nNeighbors: +nn, minDist: +md });
const tt = (performance.now() - t) / 1000;
Deno.writeFileSync(out, new Uint8Array(m.embedding.data.buffer));
console.log(JSON.stringify({ total: tt }));
"""

JS_UMAPJS = r"""
const { UMAP } = require("umap-js");
const fs = require("fs");
const [path, n, d, dim, nn, md, out] = process.argv.slice(2);
const buf = new Float64Array(fs.readFileSync(path).buffer.slice(0));
const rows = Array.from({ length: +n }, (_, i) => Array.from(buf.subarray(i * +d, (i + 1) * +d)));
// umap-js has no seed option but takes a random function: a seeded one (mulberry32).
let a = 1;
const random = () => { a |= 0; a = (a + 0x6d2b79f5) | 0; let t = Math.imul(a ^ (a >>> 15), 1 | a);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const t = performance.now();
const emb = new UMAP({ nComponents: +dim, nNeighbors: +nn, minDist: +md, random }).fit(rows);
const tt = (performance.now() - t) / 1000;
fs.writeFileSync(out, Buffer.from(new Float64Array(emb.flat()).buffer));
console.log(JSON.stringify({ total: tt }));
"""

# The bench rows of scripts/bench.ts: make_blobs data (regenerated exactly by
# core/datasets/make_blobs.ts) and UMAP settings.
BENCH = [
    ("umap 70000x10 blobs n2d", dict(n_samples=70000, n_features=10, centers=10, cluster_std=2.0), 10, 20, 0.0),
    ("umap 20000x50 blobs 2-d defaults", dict(n_samples=20000, n_features=50, centers=10, cluster_std=5.0), 2, 15, 0.1),
]


def bench(reps=2):
    """Ours and umap-learn's second fit, alternately; umap-js once with --umap-js DIR (npm install umap-js there)."""
    from sklearn.datasets import make_blobs
    js_dir = sys.argv[sys.argv.index("--umap-js") + 1] if "--umap-js" in sys.argv else None
    with tempfile.TemporaryDirectory() as tmp:
        ts_path = os.path.join(tmp, "bench.ts")
        with open(ts_path, "w") as f:
            f.write(TS_BENCH % {"root": ROOT})
        only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else ""
        for name, kw, dim, nn, md in BENCH:
            if only not in name:
                continue
            X, _ = make_blobs(random_state=0, **kw)
            n, d = X.shape
            xp = os.path.join(tmp, "x.bin")
            X.astype(np.float64).tofile(xp)
            sub = np.random.RandomState(0).choice(n, 5000, replace=False)
            trust = lambda e: round(float(trustworthiness(X[sub], e[sub], n_neighbors=10)), 4)
            umap.UMAP(random_state=0, n_components=dim, n_neighbors=nn, min_dist=md).fit(X)  # numba compiles
            op = os.path.join(tmp, "emb.bin")
            for r in range(reps):
                res = subprocess.run(["deno", "run", "--allow-read", "--allow-write", ts_path, xp, str(n), str(d),
                                      str(dim), str(nn), str(md), op], capture_output=True, text=True, check=True)
                ours = json.loads(res.stdout.strip().splitlines()[-1])["total"]
                e_ours = np.fromfile(op, dtype=np.float64).reshape(n, dim)
                t = time.perf_counter()
                e_ref = umap.UMAP(random_state=0, n_components=dim, n_neighbors=nn, min_dist=md).fit_transform(X)
                theirs = time.perf_counter() - t
                print(json.dumps({"data": name, "rep": r, "ours_s": round(ours, 2), "umap_learn_s": round(theirs, 2),
                                  "ratio": round(ours / theirs, 2), "trust_ours": trust(e_ours),
                                  "trust_umap_learn": trust(e_ref)}), flush=True)
            if js_dir:
                jp = os.path.join(js_dir, "bench_umapjs.cjs")
                with open(jp, "w") as f:
                    f.write(JS_UMAPJS)
                res = subprocess.run(["node", "--max-old-space-size=8000", jp, xp, str(n), str(d), str(dim), str(nn),
                                      str(md), op], capture_output=True, text=True, check=True, cwd=js_dir)
                js = json.loads(res.stdout.strip().splitlines()[-1])["total"]
                e_js = np.fromfile(op, dtype=np.float64).reshape(n, dim)
                print(json.dumps({"data": name, "umap_js_s": round(js, 2), "trust_umap_js": trust(e_js)}), flush=True)


if __name__ == "__main__":
    if "--bench" in sys.argv:
        bench(int(sys.argv[sys.argv.index("--bench") + 1]) if len(sys.argv) > sys.argv.index("--bench") + 1 else 2)
    else:
        fixture()
