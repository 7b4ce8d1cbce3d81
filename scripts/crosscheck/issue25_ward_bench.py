"""scikit-learn's side of the bench row `ward 1e4x2 blobs k=8 10-NN connectivity`
(issue 25), timed as scripts/bench.ts times ours: one fresh process per repetition,
the data made untimed, then the 10-NN graph and the fit timed once.

  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 scripts/crosscheck/issue25_ward_bench.py [--child]
"""
import subprocess, sys, time, warnings

if len(sys.argv) > 1 and sys.argv[1] == "--child":
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.datasets import make_blobs
    from sklearn.neighbors import kneighbors_graph
    X, _ = make_blobs(n_samples=10000, centers=8, random_state=0)
    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    g = kneighbors_graph(X, 10, include_self=False)
    AgglomerativeClustering(n_clusters=8, linkage="ward", connectivity=g).fit(X)
    print(time.perf_counter() - t0)
else:
    runs = sorted(float(subprocess.run([sys.executable, __file__, "--child"], capture_output=True,
                                       text=True, check=True).stdout) for _ in range(3))
    print(f"sklearn ward 1e4x2 10-NN connectivity: median {runs[1]:.3f} s")
