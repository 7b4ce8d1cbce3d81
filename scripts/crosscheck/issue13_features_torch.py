#!/usr/bin/env python3
"""Dev-only: recipes/autoencoder_features.ts replayed in PyTorch (Debian's
python3-torch) with Keras' semantics, to see how the encoded accuracy varies
with the seed independently of our code, and how long an epoch takes:

- Keras' BatchNormalization (momentum 0.99, epsilon 1e-3, running variance
  moved with the *biased* batch variance; PyTorch's own BatchNorm1d uses the
  unbiased one), LeakyReLU(0.3), glorot-uniform kernels, zero biases;
- Adam(1e-3, eps 1e-7), mse, 200 epochs of batch 16, shuffled;
- scikit-learn's MinMaxScaler and LogisticRegression() as the original.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 \
        scripts/crosscheck/issue13_features_torch.py [--seeds 0,1,2] [--epochs 200] [--threads 2]
"""
import argparse, csv, time, warnings
import numpy as np
import torch
from torch import nn
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import MinMaxScaler
from _torch_common import keras_init

p = argparse.ArgumentParser()
p.add_argument("--seeds", default="0,1,2")
p.add_argument("--epochs", type=int, default=200)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--bottlenecks", default="100,50")
args = p.parse_args()
torch.set_num_threads(args.threads)
warnings.filterwarnings("ignore")

rows = list(csv.reader(open("data/classification.csv")))[1:]
side = lambda s: [r for r in rows if r[0] == s]
X = lambda rs: np.array([[float(v) for v in r[2:]] for r in rs])
Y = lambda rs: np.array([int(r[1]) for r in rs])
tr, te = side("train"), side("test")
scaler = MinMaxScaler().fit(X(tr))
xtr, xte = scaler.transform(X(tr)), scaler.transform(X(te))
ytr, yte = Y(tr), Y(te)
base = LogisticRegression().fit(xtr, ytr)
print("baseline", repr((base.predict(xte) == yte).mean()))


class KerasBN(nn.Module):
    def __init__(self, d, momentum=0.99, eps=1e-3):
        super().__init__()
        self.gamma, self.beta = nn.Parameter(torch.ones(d)), nn.Parameter(torch.zeros(d))
        self.register_buffer("mean", torch.zeros(d))
        self.register_buffer("var", torch.ones(d))
        self.m, self.eps = momentum, eps

    def forward(self, x):
        if self.training:
            mu, var = x.mean(0), x.var(0, unbiased=False)
            with torch.no_grad():
                self.mean -= (self.mean - mu) * (1 - self.m)
                self.var -= (self.var - var) * (1 - self.m)
        else:
            mu, var = self.mean, self.var
        return self.gamma * (x - mu) / torch.sqrt(var + self.eps) + self.beta


def block(i, o):
    return [nn.Linear(i, o), KerasBN(o), nn.LeakyReLU(0.3)]


d = xtr.shape[1]
ttr, tte = torch.tensor(xtr, dtype=torch.float32), torch.tensor(xte, dtype=torch.float32)
for seed in [int(s) for s in args.seeds.split(",")]:
    for n in [int(b) for b in args.bottlenecks.split(",")]:
        torch.manual_seed(seed)
        enc = nn.Sequential(*block(d, 2 * d), *block(2 * d, d), nn.Linear(d, n))
        dec = nn.Sequential(*block(n, d), *block(d, 2 * d), nn.Linear(2 * d, d))
        model = keras_init(nn.Sequential(enc, dec))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        mse = nn.MSELoss()
        t0 = time.perf_counter()
        for epoch in range(args.epochs):
            model.train()
            perm = torch.randperm(len(ttr))
            for s in range(0, len(ttr), 16):
                xb = ttr[perm[s:s + 16]]
                opt.zero_grad()
                mse(model(xb), xb).backward()
                opt.step()
        secs = (time.perf_counter() - t0) / args.epochs
        model.eval()
        with torch.no_grad():
            val = mse(model(tte), tte).item()
            ctr, cte = enc(ttr).numpy().astype(np.float64), enc(tte).numpy().astype(np.float64)
        lr = LogisticRegression().fit(ctr, ytr)
        acc = (lr.predict(cte) == yte).mean()
        print(f"seed {seed} bottleneck {n}: val loss {val:.5f}, encoded accuracy {acc:.4f}"
              f" (n_iter {lr.n_iter_[0]}), {secs:.3f} s an epoch", flush=True)
