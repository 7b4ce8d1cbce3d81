#!/usr/bin/env python3
"""Dev-only: writes tests/fixtures/sklearn_spectral.json — scikit-learn
1.2.1's SpectralClustering labels (affinity "rbf" and "nearest_neighbors",
assign_labels "kmeans", "discretize" and "cluster_qr", two seeds) on small
data sets made here (moons, circles, 2-D and 3-D blobs, and three far-apart
groups whose graphs are disconnected), with scikit-learn's spectral
embedding (spectral_embedding(..., drop_first=False), same random_state as
the clustering draws from first) and the n_components + 1 smallest
eigenvalues of the normalised Laplacian (dense eigh), for the relative gap,
and the Rayleigh quotients of scikit-learn's eigenvectors (ARPACK can miss a
copy of a repeated eigenvalue: "blobs_nc6" with the k-NN graph, 3 components).

    /usr/bin/python3 scripts/crosscheck/sklearn_spectral_fixture.py
"""
import json, warnings
import numpy as np
import sklearn
from scipy.linalg import eigh
from scipy.sparse import csr_matrix, issparse
from scipy.sparse.csgraph import connected_components, laplacian
from sklearn.cluster import SpectralClustering
from sklearn.datasets import make_blobs, make_circles, make_moons
from sklearn.manifold import spectral_embedding

assert sklearn.__version__ == "1.2.1", sklearn.__version__
warnings.simplefilter("ignore")
rs = np.random.RandomState(11)
far = np.r_[rs.randn(40, 2), rs.randn(35, 2) + [30, 0], rs.randn(45, 2) + [0, 30]]
# name: (X, n_clusters, gamma, n_neighbors, n_components)
sets = {
    "moons": (make_moons(n_samples=150, noise=0.06, random_state=3)[0], 2, 5.0, 10, None),
    "circles": (make_circles(n_samples=160, factor=0.5, noise=0.05, random_state=1)[0], 2, 20.0, 10, None),
    "blobs": (make_blobs(n_samples=200, centers=4, random_state=2)[0], 4, 0.5, 10, None),
    "blobs3d": (make_blobs(n_samples=180, n_features=3, centers=5, cluster_std=1.5, random_state=5)[0], 5, 0.3, 8, None),
    "blobs_nc6": (make_blobs(n_samples=150, centers=3, cluster_std=1.2, random_state=8)[0], 3, 1.0, 10, 6),
    "far": (far, 4, 1.0, 10, None),
}
r = lambda a: float("%.13g" % a)
cases, embeddings = [], []
for name, (X, k, gamma, nn, nc) in sets.items():
    for affinity in ["rbf", "nearest_neighbors"]:
        for seed in [0, 7]:
            for assign in ["kmeans", "discretize", "cluster_qr"]:
                m = SpectralClustering(n_clusters=k, n_components=nc, affinity=affinity, gamma=gamma,
                                       n_neighbors=nn, assign_labels=assign, random_state=seed).fit(X)
                cases.append({"data": name, "affinity": affinity, "seed": seed, "assignLabels": assign,
                              "labels": m.labels_.tolist()})
            A = m.affinity_matrix_
            kk = nc or k
            emb = spectral_embedding(A, n_components=kk, random_state=np.random.RandomState(seed),
                                     drop_first=False)
            if seed == 0:
                Ad = A.toarray() if issparse(A) else A
                L = laplacian(Ad, normed=True)
                np.fill_diagonal(L, 1)
                ev = eigh(L, eigvals_only=True)[: kk + 1]
                # Rayleigh quotients of scikit-learn's vectors: where ARPACK
                # misses a copy of a repeated eigenvalue they are not ev[:kk].
                _, dd = laplacian(Ad, normed=True, return_diag=True)
                U = emb * dd[:, None]
                U = U / np.linalg.norm(U, axis=0)
                rq = np.sort((U * (L @ U)).sum(axis=0))
                embeddings.append({"data": name, "affinity": affinity, "seed": seed,
                                   "nGraphComponents": int(connected_components(csr_matrix(A))[0]),
                                   "eigenvalues": [r(v) for v in ev],
                                   "rayleigh": [r(v) for v in rq],
                                   "embedding": [[r(v) for v in row] for row in emb]})
data = {name: {"X": X.tolist(), "nClusters": k, "gamma": gamma, "nNeighbors": nn, "nComponents": nc}
        for name, (X, k, gamma, nn, nc) in sets.items()}
json.dump({"sklearn": sklearn.__version__, "data": data, "cases": cases, "embeddings": embeddings},
          open("tests/fixtures/sklearn_spectral.json", "w"))
print("wrote tests/fixtures/sklearn_spectral.json")
