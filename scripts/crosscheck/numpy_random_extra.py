#!/usr/bin/env python3
"""Dev-only: writes tests/fixtures/numpy_random_extra.json, NumPy legacy
RandomState draws for seeds beyond the spec's reference file (including the
largest seed and seeds whose randint/permutation hit rejection paths).

    python3 scripts/crosscheck/numpy_random_extra.py
"""
import json
import numpy as np

cases = []
for seed in [1, 42, 123456789, 2**31 - 1, 2**31, 2**32 - 1]:
    rs = np.random.RandomState(seed)
    c = {"seed": seed}
    c["rand_3"] = rs.rand(3).tolist()
    c["randn_3"] = rs.randn(3).tolist()  # odd count: the cached value carries over
    c["randint_0_7_6"] = rs.randint(0, 7, 6).tolist()
    c["randint_-5_1000003_4"] = rs.randint(-5, 1000003, 4).tolist()
    c["uniform_2_5_2"] = rs.uniform(2, 5, 2).tolist()
    c["randn_1"] = rs.randn(1).tolist()
    c["permutation_13"] = rs.permutation(13).tolist()
    arr = np.arange(6)
    rs.shuffle(arr)
    c["shuffle_6"] = arr.tolist()
    c["normal_1_2_2"] = rs.normal(1, 2, 2).tolist()
    cases.append(c)
out = {"numpy_version": np.__version__, "cases": cases}
with open("tests/fixtures/numpy_random_extra.json", "w") as f:
    json.dump(out, f, indent=1)
print("wrote tests/fixtures/numpy_random_extra.json")
