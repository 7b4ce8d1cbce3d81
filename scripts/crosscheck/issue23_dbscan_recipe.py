#!/usr/bin/env python3
"""Dev-only: `deno task dbscan --algorithm hdbscan|optics` against scikit-learn on
data/data_perf.txt. Write our outputs first:

    deno task dbscan --algorithm hdbscan --json --no-plot > /tmp/h.json
    deno task dbscan --algorithm optics --json --no-plot > /tmp/o.json
    deno task dbscan --algorithm optics --eps 0.8 --json --no-plot > /tmp/o8.json
    /usr/bin/python3 scripts/crosscheck/issue23_dbscan_recipe.py      # 1.2.1: OPTICS ARI 1.0 (15 clusters)
    $(../shared/tools/pyref/setup.sh) scripts/crosscheck/issue23_dbscan_recipe.py   # 1.9.1: HDBSCAN ARI 1.0

Measured: HDBSCAN(5, 5) ARI 1.0 with 6 noise samples in both; OPTICS xi 0.05 ARI 1.0
against 1.2.1 (0.989 against 1.9.1, whose predecessor correction changed);
OPTICS DBSCAN extraction at eps 0.8 ARI 1.0 against both.
"""
import json, sys, numpy as np, warnings
warnings.simplefilter("ignore")
from sklearn.metrics import adjusted_rand_score as ari
X = np.loadtxt("data/data_perf.txt", delimiter=",")
from sklearn.cluster import OPTICS
import sklearn
if sklearn.__version__.startswith("1.9"):
    from sklearn.cluster import HDBSCAN
    h = HDBSCAN(min_cluster_size=5, min_samples=5).fit(X).labels_
    ours = json.load(open("/tmp/h.json"))["labels"]
    print("hdbscan equal", ari(h, ours), (h == -1).sum(), sum(1 for l in ours if l == -1))
o = OPTICS(min_samples=5, xi=0.05).fit(X).labels_
ours = json.load(open("/tmp/o.json"))["labels"]
print(sklearn.__version__, "optics xi ARI", ari(o, ours), len(set(o)) - (1 if -1 in o else 0))
o = OPTICS(min_samples=5, cluster_method="dbscan", eps=0.8).fit(X).labels_
ours = json.load(open("/tmp/o8.json"))["labels"]
print(sklearn.__version__, "optics dbscan ARI", ari(o, ours))
