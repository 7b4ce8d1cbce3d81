#!/usr/bin/env python3
"""Dev-only: the spec §9 conv autoencoder with the original's placement (the
hidden activation on both Dense layers) in PyTorch with Keras' settings,
10 epochs, for several seeds and both activations: how the relu and elu
test mse, and their ratio, vary with the seed. Runs on a GPU when one is
there (TF32 off, so the products are float32 as on a CPU), else on the CPU.

    /usr/bin/python3 scripts/crosscheck/issue11_conv_seeds_torch.py [--seeds 0,1,2,3,4]
"""
import argparse
import statistics

import torch
from torch import nn
from _torch_common import conv_autoencoder, mnist_images, test_mse, train_epoch

p = argparse.ArgumentParser()
p.add_argument("--seeds", default="0,1,2,3,4")
p.add_argument("--epochs", type=int, default=10)
p.add_argument("--dense-act", default="both", choices=["none", "code", "expand", "both"])
args = p.parse_args()
dev = "cuda" if torch.cuda.is_available() else "cpu"
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
train = mnist_images("train-images-idx3-ubyte").view(-1, 1, 28, 28).to(dev)
test = mnist_images("t10k-images-idx3-ubyte").view(-1, 1, 28, 28).to(dev)
results = {"relu": [], "elu": []}
for seed in [int(s) for s in args.seeds.split(",")]:
    for name, Act in [("relu", nn.ReLU), ("elu", nn.ELU)]:
        torch.manual_seed(seed)
        model = conv_autoencoder(Act, args.dense_act).to(dev)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        for epoch in range(args.epochs):
            train_epoch(model, opt, train)
        results[name].append(test_mse(model, test))
        print(f"seed {seed} {name} dense-act {args.dense_act}: test mse {results[name][-1]:.5f}",
              flush=True)
    print(f"seed {seed}: elu / relu = {results['elu'][-1] / results['relu'][-1]:.3f}", flush=True)
for name, v in results.items():
    print(f"{name}: median {statistics.median(v):.5f}, range {min(v):.5f}-{max(v):.5f}")
ratios = [e / r for e, r in zip(results["elu"], results["relu"])]
print(f"elu/relu: median {statistics.median(ratios):.3f}, range {min(ratios):.3f}-{max(ratios):.3f}")
