#!/usr/bin/env python3
"""Dev-only: replays scripts/crosscheck/conv_replay.ts in PyTorch: the same
initial weights (Keras layouts mapped to PyTorch's, NHWC flattening to
NCHW), the same batches (NumPy's RandomState reproduces our generator), mse
and TensorFlow's Adam rule, float32 on the CPU. Prints both batch-loss
curves side by side, so a difference of implementation shows up at the
first steps and chaos only later.

    deno run --allow-read --allow-write=out scripts/crosscheck/conv_replay.ts 235 0
    /usr/bin/python3 scripts/crosscheck/conv_replay_torch.py [--seed 0]
"""
import argparse
import json

import numpy as np
import torch
from torch import nn
from _torch_common import conv_autoencoder, mnist_images, test_mse

p = argparse.ArgumentParser()
p.add_argument("--seed", type=int, default=0)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--epochs", type=int, default=0,
               help="train this many epochs from the same start (0: replay ours.json's steps only)")
p.add_argument("--adam", default="tf", choices=["tf", "torch"],
               help="TensorFlow's ApplyAdam (as ours) or torch.optim.Adam (ε after bias correction)")
args = p.parse_args()
torch.set_num_threads(args.threads)

ours = json.load(open("out/replay/ours.json"))
manifest = json.load(open("out/replay/w0.json"))
blob = np.fromfile("out/replay/w0.bin", dtype=np.float32)
w, at = [], 0
for m in manifest:
    size = int(np.prod(m["shape"]))
    w.append(blob[at:at + size].reshape(m["shape"]))
    at += size

model = conv_autoencoder(nn.ELU, "both")
conv1, conv2, dense1, dense2, tconv1, tconv2 = [model[i] for i in (0, 2, 5, 7, 10, 12)]
t = lambda a: torch.from_numpy(np.ascontiguousarray(a))
with torch.no_grad():
    conv1.weight.copy_(t(w[0].transpose(3, 2, 0, 1))); conv1.bias.copy_(t(w[1]))
    conv2.weight.copy_(t(w[2].transpose(3, 2, 0, 1))); conv2.bias.copy_(t(w[3]))
    # Dense 3136 -> 64: Keras rows in (h, w, c) order, PyTorch's in (c, h, w).
    dense1.weight.copy_(t(w[4].reshape(7, 7, 64, 64).transpose(2, 0, 1, 3).reshape(3136, 64).T))
    dense1.bias.copy_(t(w[5]))
    dense2.weight.copy_(t(w[6].reshape(64, 7, 7, 64).transpose(0, 3, 1, 2).reshape(64, 3136).T))
    dense2.bias.copy_(t(w[7].reshape(7, 7, 64).transpose(2, 0, 1).reshape(-1)))
    tconv1.weight.copy_(t(w[8].transpose(3, 2, 0, 1))); tconv1.bias.copy_(t(w[9]))
    tconv2.weight.copy_(t(w[10].transpose(3, 2, 0, 1))); tconv2.bias.copy_(t(w[11]))

train = mnist_images("train-images-idx3-ubyte").view(-1, 1, 28, 28)
rs = np.random.RandomState(args.seed)
rs.randint(0, 2**31 - 1, 6)  # the six layer seeds, drawn before training
n = train.shape[0]
params = list(model.parameters())
m = [torch.zeros_like(q) for q in params]
v = [torch.zeros_like(q) for q in params]
b1, b2, lr, eps = 0.9, 0.999, 1e-3, 1e-7
mse = nn.MSELoss()
theirs = []
order = rs.permutation(n)
batches = -(-n // 256)
steps = args.epochs * batches if args.epochs else len(ours)
opt = torch.optim.Adam(params, lr=lr, eps=eps) if args.adam == "torch" else None
for s in range(steps):
    b = s % batches
    if s > 0 and b == 0:
        order = rs.permutation(n)
    xb = train[torch.from_numpy(order[b * 256:(b + 1) * 256])]
    model.zero_grad()
    loss = mse(model(xb), xb)
    loss.backward()
    theirs.append(loss.item())
    if opt:
        opt.step()
        continue
    with torch.no_grad():  # TensorFlow's ApplyAdam
        step = s + 1
        lr_t = lr * (1 - b2**step) ** 0.5 / (1 - b1**step)
        for q, mq, vq in zip(params, m, v):
            mq.mul_(b1).add_(q.grad, alpha=1 - b1)
            vq.mul_(b2).addcmul_(q.grad, q.grad, value=1 - b2)
            q.sub_(lr_t * mq / (vq.sqrt() + eps))
if args.epochs:
    # Each epoch's loss as Keras reports it (sample-weighted mean of the batch losses).
    sizes = [min(256, n - b * 256) for b in range(batches)]
    for e in range(args.epochs):
        chunk = theirs[e * batches:(e + 1) * batches]
        print(f"epoch {e + 1}: loss {sum(l * w for l, w in zip(chunk, sizes)) / n:.5f}")
    test = mnist_images("t10k-images-idx3-ubyte").view(-1, 1, 28, 28)
    print(f"adam {args.adam}, {args.epochs} epochs from our initial weights: "
          f"test mse {test_mse(model, test):.5f}")
for s in [0, 1, 2, 4, 9, 19, 49, 99, 149, 199, len(ours) - 1]:
    if s < len(ours):
        print(f"step {s + 1:4d}: ours {ours[s]:.6f}  pytorch {theirs[s]:.6f}  "
              f"ratio {ours[s] / theirs[s]:.4f}")
k = min(len(ours), len(theirs))
print(f"mean over the first {k} steps: ours {np.mean(ours[:k]):.6f}, pytorch {np.mean(theirs[:k]):.6f}")
