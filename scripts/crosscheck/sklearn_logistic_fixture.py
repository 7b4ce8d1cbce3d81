#!/usr/bin/env python3
"""Dev-only: writes tests/fixtures/sklearn_logistic.json — scikit-learn 1.2's
LogisticRegression (lbfgs, L2) on data the cookbook never ships: binary and
3- and 5-class `make_classification` sets, C = 1 and C = 0.1, fitted on
min-max scaled train rows. Each case keeps the data, scikit-learn's fit at
its defaults, its fit with tol 1e-10 (identical: both stop on SciPy's
relative-reduction test), the exact optimum of the same objective from SciPy
with the gradient test alone, and the test predictions.

    /usr/bin/python3 scripts/crosscheck/sklearn_logistic_fixture.py
"""
import json

import numpy as np
import sklearn
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler
from scipy.optimize import minimize
from scipy.special import logsumexp


def exact_optimum(X, y, classes, C):
    """The penalised log-loss minimised by SciPy's L-BFGS-B with only the
    gradient test (ftol 0, gtol 1e-11): scikit-learn's lbfgs stops earlier, on
    the relative reduction of f, so it is 1e-4 off here on some sets."""
    n, d = X.shape
    K = 1 if len(classes) == 2 else len(classes)
    Y = (y[:, None] == classes[None, :]).astype(float)

    def fg(t):
        W = t.reshape(K, d + 1)
        Z = X @ W[:, :d].T + W[:, d]
        if K == 1:
            z, t1 = Z[:, 0], Y[:, 1]
            f = np.logaddexp(0, z).sum() - t1 @ z
            R = (1 / (1 + np.exp(-z)) - t1)[:, None]
        else:
            L = logsumexp(Z, axis=1)
            f = L.sum() - (Y * Z).sum()
            R = np.exp(Z - L[:, None]) - Y
        G = np.hstack([R.T @ X, R.sum(0)[:, None]])
        f += 0.5 / C * (W[:, :d] ** 2).sum()
        G[:, :d] += W[:, :d] / C
        return f, G.ravel()

    o = minimize(fg, np.zeros(K * (d + 1)), jac=True, method="L-BFGS-B",
                 options=dict(ftol=0, gtol=1e-11, maxiter=100000, maxfun=100000))
    W = o.x.reshape(K, d + 1)
    return W[:, :d], W[:, d], float(np.abs(o.jac).max())

cases = []
for name, kw in [
    ("binary", dict(n_samples=300, n_features=8, n_informative=5, n_redundant=0, random_state=3)),
    ("binary-overlapping", dict(n_samples=400, n_features=12, n_informative=4, n_redundant=2,
                                class_sep=0.5, flip_y=0.1, random_state=5)),
    ("3-class", dict(n_samples=360, n_features=6, n_informative=4, n_redundant=0, n_classes=3,
                     random_state=7)),
    ("5-class", dict(n_samples=500, n_features=10, n_informative=6, n_redundant=1, n_classes=5,
                     n_clusters_per_class=1, random_state=9)),
]:
    X, y = make_classification(**kw)
    y = y * 2 + 1  # labels 1, 3, 5, …: not 0..K-1
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=1)
    s = MinMaxScaler().fit(Xtr)
    Xtr_s, Xte_s = s.transform(Xtr), s.transform(Xte)
    fits = []
    for C in (1.0, 0.1):
        default = LogisticRegression(C=C).fit(Xtr_s, ytr)
        tight = LogisticRegression(C=C, tol=1e-10, max_iter=10000).fit(Xtr_s, ytr)
        ex_coef, ex_int, ex_g = exact_optimum(Xtr_s, ytr, default.classes_, C)
        rel = lambda a, b: float(np.abs(np.asarray(a) - b).max() / np.abs(b).max())
        print(f"{name} C={C}: scikit-learn vs exact: coef {rel(default.coef_, ex_coef):.2e},"
              f" intercept {rel(default.intercept_, ex_int):.2e}; exact max|g| {ex_g:.1e}")
        fits.append({
            "C": C,
            "default": {
                "coef": default.coef_.tolist(),
                "intercept": default.intercept_.tolist(),
                "nIter": int(default.n_iter_[0]),
                "predictions": default.predict(Xte_s).tolist(),
            },
            "exact": {
                "coef": ex_coef.tolist(),
                "intercept": ex_int.tolist(),
                "maxAbsGradient": ex_g,
            },
            "optimum": {
                "coef": tight.coef_.tolist(),
                "intercept": tight.intercept_.tolist(),
                "predictions": tight.predict(Xte_s).tolist(),
                "proba": tight.predict_proba(Xte_s)[:5].tolist(),
            },
        })
    cases.append({
        "name": name,
        "xTrain": Xtr.tolist(),
        "yTrain": ytr.tolist(),
        "xTest": Xte.tolist(),
        "classes": default.classes_.tolist(),
        "fits": fits,
    })

with open("tests/fixtures/sklearn_logistic.json", "w") as f:
    json.dump({"sklearn": sklearn.__version__, "cases": cases}, f, indent=None)
    f.write("\n")
print(len(cases), "cases")
