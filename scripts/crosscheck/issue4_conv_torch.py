#!/usr/bin/env python3
"""Dev-only: the conv autoencoder of recipes/conv_autoencoder.ts (spec §9)
(hidden convolutions with relu or elu; by --dense-act, which Dense layers
take the activation too, as the recipe's --dense-activation) trained in
PyTorch with Keras' settings (glorot-uniform kernels, zero biases,
Adam lr 1e-3 / eps 1e-7, mse, batch 256, shuffled, 10 epochs), printing the
test mse after each epoch: an independent reference for what this
architecture reaches, for relu and elu.

    /usr/bin/python3 scripts/crosscheck/issue4_conv_torch.py [--activation elu] [--seed 0]
        [--dense-act none|code|expand|both]   # variants: the activation on the Dense layers too
"""
import argparse
import torch
from torch import nn
from _torch_common import conv_autoencoder, mnist_images, test_mse, train_epoch

p = argparse.ArgumentParser()
p.add_argument("--activation", default="elu", choices=["elu", "relu"])
p.add_argument("--seed", type=int, default=0)
p.add_argument("--epochs", type=int, default=10)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--dense-act", default="both", choices=["none", "code", "expand", "both"])
args = p.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)


train = mnist_images("train-images-idx3-ubyte").view(-1, 1, 28, 28)
test = mnist_images("t10k-images-idx3-ubyte").view(-1, 1, 28, 28)
model = conv_autoencoder(nn.ELU if args.activation == "elu" else nn.ReLU, args.dense_act)
opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
for epoch in range(1, args.epochs + 1):
    train_epoch(model, opt, train)
    print(f"{args.activation} dense-act {args.dense_act} seed {args.seed} epoch {epoch}: "
          f"test mse {test_mse(model, test):.5f}", flush=True)
