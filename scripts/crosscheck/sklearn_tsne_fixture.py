#!/usr/bin/env python3
"""Dev-only: writes tests/fixtures/sklearn_tsne.json — scikit-learn 1.2's
t-SNE pieces on small data the project does not ship, for
tests/tsne_test.ts: PCA (components, explained variance), the joint
probabilities (nearest-neighbour and exact), and the KL divergence with its
gradient at a fixed embedding, exact and Barnes-Hut (angle 0.5, float32
inside), with and without exaggeration; and the trustworthiness of that embedding.

    python3 scripts/crosscheck/sklearn_tsne_fixture.py
"""
import json

import numpy as np
import sklearn
from scipy.spatial.distance import squareform
from sklearn.decomposition import PCA
from sklearn.manifold import _t_sne
from sklearn.metrics import pairwise_distances
from sklearn.neighbors import NearestNeighbors

rs = np.random.RandomState(4)
n, d, perplexity = 60, 4, 5.0
X = rs.randn(n, d) * [3.0, 1.0, 0.5, 0.1] + rs.randint(0, 3, (n, 1)) * 4.0

pca = PCA(n_components=3, svd_solver="full").fit(X)

k = min(n - 1, int(3.0 * perplexity + 1))
graph = NearestNeighbors(n_neighbors=k).fit(X).kneighbors_graph(mode="distance")
graph.data **= 2
P_nn = _t_sne._joint_probabilities_nn(graph, perplexity, 0).toarray()
P_exact = squareform(_t_sne._joint_probabilities(
    pairwise_distances(X, squared=True), perplexity, 0))

Y = rs.randn(n, 2) * 3.0
grads = []
for exaggeration in [1.0, 12.0]:
    kl, g = _t_sne._kl_divergence(Y.ravel(), squareform(P_exact, checks=False) * exaggeration,
                                  1, n, 2)
    from scipy.sparse import csr_matrix
    P_sparse = csr_matrix(P_nn * exaggeration)
    kl_bh, g_bh = _t_sne._kl_divergence_bh(Y.ravel().astype(np.float32), P_sparse, 1, n, 2,
                                           angle=0.5)
    grads.append({"exaggeration": exaggeration, "exactKl": float(kl), "exactGrad": g.tolist(),
                  "bhKl": float(kl_bh), "bhGrad": g_bh.astype(float).tolist()})

json.dump({
    "sklearn_version": sklearn.__version__,
    "X": X.tolist(), "perplexity": perplexity, "Y": Y.tolist(),
    "pca": {"components": pca.components_.tolist(),
            "explainedVariance": pca.explained_variance_.tolist(),
            "explainedVarianceRatio": pca.explained_variance_ratio_.tolist(),
            "transformFirst5": pca.transform(X[:5]).tolist()},
    "trustworthiness5": float(_t_sne.trustworthiness(X, Y, n_neighbors=5)),
    "pNN": P_nn.tolist(), "pExact": P_exact.tolist(), "gradients": grads,
}, open("tests/fixtures/sklearn_tsne.json", "w"))
print("wrote tests/fixtures/sklearn_tsne.json")
