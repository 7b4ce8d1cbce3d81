#!/usr/bin/env python3
"""Dev-only: recipes/stock_market.ts vs scikit-learn's GraphicalLassoCV(cv=3) and
affinity_propagation on the same standardised daily variations. The workbook
is read by the recipe itself (no Python xlsx reader needed): the recipe's
--json includes nothing but alpha and clusters, so this script rebuilds X
from a CSV dump written by a tiny Deno helper.

    python3 scripts/crosscheck/issue3_stock_market.py
"""
import json, subprocess
import numpy as np
from sklearn.covariance import GraphicalLassoCV
from sklearn.cluster import affinity_propagation

helper = """
import { readWorkbook, sheetColumns } from "./core/io/xlsx.ts";
const map = JSON.parse(Deno.readTextFileSync("data/symbol_map.json"));
const wb = await readWorkbook("data/stock_market_data.xlsx");
const cols = Object.keys(map).map((s) => sheetColumns(wb, s, ["open", "close"]));
const rows = [];
for (let t = 0; t < cols[0].rows; t++) rows.push(cols.map((q) => q.data[2 * t + 1] - q.data[2 * t]).join(","));
console.log(JSON.stringify({ names: Object.values(map), csv: rows.join("\\n") }));
"""
out = subprocess.run(["deno", "eval", "--ext=ts", helper], capture_output=True, text=True, check=True)
d = json.loads(out.stdout)
names = np.array(d["names"])
X = np.array([list(map(float, r.split(","))) for r in d["csv"].split("\n")])
X /= X.std(axis=0)
m = GraphicalLassoCV(cv=3).fit(X)
fails = 0
ours = json.loads(subprocess.run(["deno", "task", "-q", "stock_market", "--json", "--no-plot"],
                                 capture_output=True, text=True, check=True).stdout)
ok = abs(ours["alpha"] - m.alpha_) <= 1e-6 * m.alpha_
fails += not ok
print("OK  " if ok else "FAIL", "alpha", ours["alpha"], m.alpha_)
for seed in range(3):
    _, labels = affinity_propagation(m.covariance_, random_state=seed)
    sk = sorted(sorted(names[labels == i].tolist()) for i in range(labels.max() + 1))
    ok = sk == sorted(sorted(c) for c in ours["clusters"])
    fails += not ok
    print("OK  " if ok else "FAIL", f"clusters (sklearn noise seed {seed}):", len(sk))
spec = [["Apple", "Amazon", "Yahoo"], ["AIG", "American express", "Bank of America", "DuPont de Nemours",
        "General Dynamics", "General Electrics", "Goldman Sachs", "GlaxoSmithKline", "Home Depot", "Kellogg"],
        ["Boeing", "Canon", "Caterpillar", "Ford", "Honda"], ["Colgate-Palmolive", "Kimberly-Clark"],
        ["Cisco", "Dell", "HP", "IBM"], ["Comcast", "Cablevision"], ["CVS"], ["ConocoPhillips", "Chevron"]]
ok = sorted(sorted(c) for c in spec) == sorted(sorted(c) for c in ours["clusters"])
fails += not ok
print("OK  " if ok else "FAIL", "spec's 8 clusters")
print(f"{fails} failed")
