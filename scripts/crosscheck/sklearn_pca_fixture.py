#!/usr/bin/env python3
"""Dev-only: writes tests/fixtures/sklearn_pca.json — scikit-learn 1.2.1's
PCA(n_components=k, svd_solver="full") on data sets that tests/pca_test.ts
rebuilds bit for bit from NumPy's RandomState (core/random.ts), so only the
recipe, a checksum and the results are stored:

- "lowrank": 300 × 120, five latent factors (a sum of outer products, so no
  BLAS summation order is involved) + 0.1·noise + 3, k = 10;
- "pixels": 400 × 144, max(0, N(0, 1) − 0.8) (about 21% non-zero, the
  sparse covariance path), k = 20;
- "wide": 60 × 200 (n < d), N(0, 1) with column scales 1 + a/50, k = 15;
- "small": 50 × 3, N(0, 1)·(3, 1, 0.3) + (1, −2, 5), all 3 components.

Results are rounded to 13 significant digits. Of more than 20 components
("rows") only five are kept: the first, the middle one and three of the last ten.

"randomized" holds PCA(svd_solver="randomized", random_state=seed, ...) on the
same data sets (n_iter 7 or 4 by scikit-learn's rule, 2 with the "none"
normaliser, QR, more oversampling, the wide case transposed, "small" with
k + p > d), "randomizedSvd" holds `sklearn.utils.extmath.randomized_svd` on
uncentred data (with the first 5 rows of U; "graded", 400 × 200 with column scales 0.9^j,
takes the small SVD's path for more than 128 columns; the "pixels" case with n_iter=0 and 150 random
vectors for 144 columns exercises l > d), and "lu" holds
`scipy.linalg.lu(A, permute_l=True)[0]` of two small matrices.

    /usr/bin/python3 scripts/crosscheck/sklearn_pca_fixture.py
"""
import json
import numpy as np
import sklearn
from sklearn.decomposition import PCA


def lowrank():
    rs = np.random.RandomState(0)
    Z = rs.randn(300 * 5).reshape(300, 5)
    B = rs.randn(5 * 120).reshape(5, 120)
    noise = rs.randn(300 * 120).reshape(300, 120)
    X = np.zeros((300, 120))
    for r in range(5):
        X = X + np.outer(Z[:, r], B[r])
    return X + 0.1 * noise + 3


def pixels():
    rs = np.random.RandomState(1)
    return np.maximum(0, rs.randn(400 * 144).reshape(400, 144) - 0.8)


def wide():
    rs = np.random.RandomState(2)
    return rs.randn(60 * 200).reshape(60, 200) * (1 + np.arange(200) / 50)


def small():
    rs = np.random.RandomState(3)
    return rs.randn(50 * 3).reshape(50, 3) * np.array([3, 1, 0.3]) + np.array([1, -2, 5])


def graded():
    rs = np.random.RandomState(8)
    return rs.randn(400 * 200).reshape(400, 200) * 0.9 ** np.arange(200)


def r13(a):
    return [float(f"{v:.13g}") for v in np.ravel(a)]


def kept_rows(k):
    """All k component rows up to 20, else five spread over them (first, middle, the last ten)."""
    return list(range(k)) if k <= 20 else sorted({0, k // 2, k - 10, k - 2, k - 1})


cases = []
for name, make, k in [("lowrank", lowrank, 10), ("pixels", pixels, 20), ("wide", wide, 15),
                      ("small", small, 3)]:
    X = make()
    m = PCA(n_components=k, svd_solver="full").fit(X)
    cases.append({
        "name": name, "n": X.shape[0], "d": X.shape[1], "k": k,
        "checksum": float(X.sum()), "first": r13(X[0, :4]), "nonZero": int((X != 0).sum()),
        "components": r13(m.components_), "mean": r13(m.mean_),
        "explainedVariance": r13(m.explained_variance_),
        "explainedVarianceRatio": r13(m.explained_variance_ratio_),
        "singularValues": r13(m.singular_values_),
        "transformFirst5": r13(m.transform(X[:5])),
    })
randomized = []
for name, make, k, kw in [
    ("lowrank", lowrank, 10, {}),
    ("pixels", pixels, 20, {}),
    ("wide", wide, 15, {}),
    ("small", small, 3, {}),
    ("lowrank", lowrank, 10, {"iterated_power": 2}),
    ("pixels", pixels, 20, {"power_iteration_normalizer": "QR", "random_state": 7}),
    ("pixels", pixels, 5, {"n_oversamples": 30, "iterated_power": 1}),
    ("wide", wide, 15, {"power_iteration_normalizer": "none", "random_state": 3}),
    ("graded", graded, 119, {}),
]:
    X = make()
    opts = {"random_state": 0, **kw}
    m = PCA(n_components=k, svd_solver="randomized", **opts).fit(X)
    rows = kept_rows(k)
    randomized.append({
        "name": name, "k": k, "options": opts, "rows": rows,
        "components": r13(m.components_[rows]),
        "explainedVariance": r13(m.explained_variance_),
        "explainedVarianceRatio": r13(m.explained_variance_ratio_),
        "singularValues": r13(m.singular_values_),
        "transformFirst5": r13(m.transform(X[:5])),
    })

from sklearn.utils.extmath import randomized_svd
from scipy import linalg

svds = []
for name, make, k, kw in [
    ("pixels", pixels, 20, {}),
    ("wide", wide, 15, {}),
    ("pixels", pixels, 50, {"n_iter": 0, "n_oversamples": 100}),
    ("lowrank", lowrank, 6, {"transpose": True, "flip_sign": False, "random_state": 11}),
    ("graded", graded, 130, {}),
]:
    X = make()
    opts = {"random_state": 0, **kw}
    U, S, Vt = randomized_svd(X, k, **opts)
    rows = kept_rows(k)
    svds.append({"name": name, "k": k, "options": opts, "rows": rows,
                 "UFirst5": r13(U[:5]), "s": r13(S), "Vt": r13(Vt[rows])})

rs = np.random.RandomState(5)
lus = []
for shape in [(7, 4), (4, 6)]:
    A = rs.randn(*shape)
    A[2, 1] = A[1, 1]  # a near tie is still decided by the first largest entry
    lus.append({"rows": shape[0], "cols": shape[1], "A": r13(A),
                "PL": r13(linalg.lu(A, permute_l=True)[0])})

json.dump({"sklearn": sklearn.__version__, "cases": cases, "randomized": randomized,
           "randomizedSvd": svds, "lu": lus},
          open("tests/fixtures/sklearn_pca.json", "w"), separators=(",", ":"))
print("wrote tests/fixtures/sklearn_pca.json")
