"""scikit-learn's side of the bench rows `agglomerative 4096x2 blobs k=8 ward|complete`
(no connectivity: SciPy's condensed matrix and nearest-neighbour chain), timed as
scripts/bench.ts times ours: one fresh process per repetition, the data made
untimed, then one fit timed.

  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 scripts/crosscheck/agglomerative_bench.py [--reps 3]
"""
import argparse, subprocess, sys, time, warnings

ap = argparse.ArgumentParser()
ap.add_argument("--child", default="")
ap.add_argument("--reps", type=int, default=3)
args = ap.parse_args()
if args.child:
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.datasets import make_blobs
    X, _ = make_blobs(n_samples=4096, centers=8, random_state=0)
    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    AgglomerativeClustering(n_clusters=8, linkage=args.child).fit(X)
    print(time.perf_counter() - t0)
else:
    for linkage in ["ward", "complete"]:
        runs = sorted(float(subprocess.run([sys.executable, __file__, "--child", linkage], capture_output=True,
                                           text=True, check=True).stdout) for _ in range(args.reps))
        print(f"agglomerative 4096x2 blobs k=8 {linkage}: " + " ".join(f"{r:.3f}" for r in runs) + " s")
