#!/usr/bin/env python3
"""Dev-only: PyTorch's seconds per epoch for the three models of
`deno task bench --nn`, on the same data, batch size, optimizers and losses,
so the two can be run side by side on one machine (Debian's python3-torch).

    /usr/bin/python3 scripts/crosscheck/issue4_torch_bench.py [--threads 2] [--only nn-conv]

Each row: a warm-up epoch, then the median of --reps timed epochs (seconds).
"""
import argparse, statistics, time
import torch
from torch import nn
from _torch_common import conv_autoencoder, keras_init, mnist_images

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=2)
p.add_argument("--only", default="")
p.add_argument("--reps", type=int, default=1)
args = p.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)


train = mnist_images("train-images-idx3-ubyte")
test = mnist_images("t10k-images-idx3-ubyte")


def dense():
    return keras_init(nn.Sequential(nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 784), nn.Sigmoid()))


def conv():
    return conv_autoencoder(nn.ELU)


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
