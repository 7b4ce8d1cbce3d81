#!/usr/bin/env python3
"""Dev-only: the cookbook's original k-means recipe (scikit-learn + matplotlib),
doing the same work as recipes/kmeans.ts — fit, print, mesh of step 0.01,
two SVG plots — to compare wall time:

    time python3 scripts/crosscheck/kmeans_recipe.py
    time deno task kmeans
"""
import os
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.cluster import KMeans

out = "out/kmeans_python"
os.makedirs(out, exist_ok=True)
X = np.loadtxt("data/data_multivar.txt", delimiter=",")
num_clusters = 4

plt.figure()
plt.scatter(X[:, 0], X[:, 1], marker="o", facecolors="none", edgecolors="black", s=80)
x_min, x_max = X[:, 0].min() - 1, X[:, 0].max() + 1
y_min, y_max = X[:, 1].min() - 1, X[:, 1].max() + 1
plt.title("Input data")
plt.xlim(x_min, x_max); plt.ylim(y_min, y_max)
plt.savefig(f"{out}/input.svg")

kmeans = KMeans(init="k-means++", n_clusters=num_clusters, n_init=10)
kmeans.fit(X)
print(kmeans.cluster_centers_, kmeans.inertia_)

step_size = 0.01
x_vals, y_vals = np.meshgrid(np.arange(x_min, x_max, step_size), np.arange(y_min, y_max, step_size))
output = kmeans.predict(np.c_[x_vals.ravel(), y_vals.ravel()]).reshape(x_vals.shape)
plt.figure()
plt.clf()
plt.imshow(output, interpolation="nearest", extent=(x_vals.min(), x_vals.max(), y_vals.min(), y_vals.max()),
           cmap=plt.cm.Paired, aspect="auto", origin="lower")
plt.scatter(X[:, 0], X[:, 1], marker="o", facecolors="none", edgecolors="black", s=80)
c = kmeans.cluster_centers_
plt.scatter(c[:, 0], c[:, 1], marker="o", s=210, linewidths=4, color="black", zorder=12, facecolors="black")
plt.title("Boundaries of clusters")
plt.xlim(x_min, x_max); plt.ylim(y_min, y_max)
plt.savefig(f"{out}/regions.svg")
