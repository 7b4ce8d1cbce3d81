#!/usr/bin/env python3
"""Dev-only: recipes/autoencoder_mnist.ts vs a NumPy re-implementation of the
same training (Keras' binary cross-entropy with clipping, Adadelta with
TensorFlow's update rule, batch order from the same NumPy RandomState),
started from the model's initial weights (dumped by a Deno helper).

    python3 scripts/crosscheck/issue4_autoencoder.py
"""
import json, subprocess
import numpy as np

SEED, LIMIT, TEST, EPOCHS, BATCH = 3, 1024, 256, 2, 256
helper = f"""
import {{ initBackend, tf }} from "./core/nn/backend.ts";
import {{ denseAutoencoder }} from "./core/nn/models.ts";
import {{ RandomState }} from "./core/random.ts";
import {{ mnistPackageDir }} from "./core/datasets/mnist.ts";
await initBackend();
const m = denseAutoencoder(784, 32, new RandomState({SEED}));
const w = m.getWeights().map((t) => Array.from(t.dataSync()));
console.log(JSON.stringify({{ dir: mnistPackageDir(), w }}));
"""
out = json.loads(subprocess.run(["deno", "eval", "--ext=ts", helper], capture_output=True, text=True,
                                check=True).stdout)
W1 = np.array(out["w"][0], float).reshape(784, 32); b1 = np.array(out["w"][1], float)
W2 = np.array(out["w"][2], float).reshape(32, 784); b2 = np.array(out["w"][3], float)

def idx(path):
    raw = np.fromfile(path, dtype=np.uint8)
    nd = raw[3]; dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i].tobytes(), "big") for i in range(nd)]
    return raw[4 + 4 * nd:].reshape(dims)
X = idx(out["dir"] + "/train-images-idx3-ubyte")[:LIMIT].reshape(-1, 784).astype(np.float32) / 255
T = idx(out["dir"] + "/t10k-images-idx3-ubyte")[:TEST].reshape(-1, 784).astype(np.float32) / 255
X = X.astype(np.float64); T = T.astype(np.float64)
EPS = 1e-7
def forward(x):
    h = np.maximum(x @ W1 + b1, 0); p = 1 / (1 + np.exp(-(h @ W2 + b2))); return h, p
def bce(x, p):
    pc = np.clip(p, EPS, 1 - EPS)
    return -np.mean(x * np.log(pc + EPS) + (1 - x) * np.log(1 - pc + EPS))
params = [W1, b1, W2, b2]
acc = [np.zeros_like(p) for p in params]; accu = [np.zeros_like(p) for p in params]
rng = np.random.RandomState(SEED); rng.randint(0, 2**31 - 1, 2)
ours = json.loads(subprocess.run(["deno", "task", "-q", "autoencoder_mnist", "--seed", str(SEED), "--epochs",
                                  str(EPOCHS), "--train-limit", str(LIMIT), "--test-limit", str(TEST),
                                  "--json", "--no-plot", "--out", "out/crosscheck/ae"],
                                 capture_output=True, text=True, check=True).stdout)
fails = 0
for epoch in range(EPOCHS):
    order = rng.permutation(LIMIT); total = 0
    for b in range(0, LIMIT, BATCH):
        xb = X[order[b:b + BATCH]]; n = xb.size
        h, p = forward(xb); total += bce(xb, p) * len(xb)
        pc = np.clip(p, EPS, 1 - EPS); inside = (p >= EPS) & (p <= 1 - EPS)
        dp = -(xb / (pc + EPS) - (1 - xb) / (1 - pc + EPS)) / n * inside
        dz2 = dp * p * (1 - p)
        gW2 = h.T @ dz2; gb2 = dz2.sum(0); dh = dz2 @ W2.T * (h > 0)
        gW1 = xb.T @ dh; gb1 = dh.sum(0)
        for i, g in enumerate([gW1, gb1, gW2, gb2]):
            acc[i] = 0.95 * acc[i] + 0.05 * g * g
            upd = np.sqrt(accu[i] + EPS) / np.sqrt(acc[i] + EPS) * g
            accu[i] = 0.95 * accu[i] + 0.05 * upd * upd
            params[i] -= upd
    loss = total / LIMIT; val = bce(T, forward(T)[1])
    for what, a, b in [("loss", ours["history"]["loss"][epoch], loss), ("val_loss", ours["history"]["valLoss"][epoch], val)]:
        ok = abs(a - b) <= 1e-4 * abs(b)
        fails += not ok
        print("OK  " if ok else "FAIL", f"epoch {epoch + 1} {what}: ours {a:.7f} numpy {b:.7f}")
print(f"{fails} failed")
