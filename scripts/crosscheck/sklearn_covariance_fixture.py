#!/usr/bin/env python3
"""Dev-only: writes tests/fixtures/sklearn_covariance.json — scikit-learn's
graphical_lasso, GraphicalLassoCV and affinity_propagation on small data.

    python3 scripts/crosscheck/sklearn_covariance_fixture.py
"""
import json, warnings
import numpy as np
from sklearn.covariance import GraphicalLassoCV, empirical_covariance, graphical_lasso
from sklearn.cluster import affinity_propagation
from sklearn.datasets import make_blobs

warnings.simplefilter("ignore")
rs = np.random.RandomState(3)
L = rs.randn(6, 6) * (rs.rand(6, 6) < 0.4)
X = rs.randn(200, 6) @ (np.eye(6) + L)
X /= X.std(axis=0)
emp = empirical_covariance(X)
cov, prec = graphical_lasso(emp, alpha=0.1)
cv = GraphicalLassoCV(cv=3).fit(X)
B, _ = make_blobs(n_samples=40, centers=3, random_state=1)
S = -((B[:, None, :] - B[None]) ** 2).sum(-1)
centers, labels, n_iter = affinity_propagation(S, random_state=0, return_n_iter=True)
json.dump({
    "X": X.tolist(), "glasso": {"alpha": 0.1, "covariance": cov.tolist(), "precision": prec.tolist()},
    "cv": {"alpha": cv.alpha_, "covariance": cv.covariance_.tolist()},
    "ap": {"S": S.tolist(), "labels": labels.tolist(), "centers": centers.tolist(), "n_iter": n_iter},
}, open("tests/fixtures/sklearn_covariance.json", "w"))
print("wrote tests/fixtures/sklearn_covariance.json")
