#!/usr/bin/python3
"""The table of docs/stationary.md ("Auto on every shape") from the output of stationary_grid.py:

  /usr/bin/python3 benchmarks/compare/stationary_grid.py --csharp "…" > grid.out
  /usr/bin/python3 benchmarks/compare/stationary_grid_table.py grid.out

Besides the times it gives Auto's ratio by cost: products × vector passes per product of the method that ran, the
measure of src/LlmChains/Analysis/Internals/StationaryCostModel.cs (power S + 2, GMRES-DR S + 2 + (2(m + k) + 6)/d with
S = 2 + T, m = 30, k = 8 and the automatic degree d), exact and independent of the load.
"""
import json, math, sys


def degree(T, m=30, k=8):  # StationaryDistribution.AutomaticDegree
    o, s = 2 * (m + k) + 6, 2 + T
    return 1 << max(0, min(6, round(math.log2(8 * o / s))))


def passes(T, method, m=30, k=8):
    S = 2 + T
    return S + 2 + (2 * (m + k) + 6) / degree(T) if method == "Gmres" else S + 2


def main(path):
    ours, scipy = {}, {}
    for line in open(path):
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        if r.get("side") == "llmchains" and "case" in r:
            ours.setdefault(r["case"], {})[r["requested"]] = r
        elif r.get("side") == "scipy-power":
            scipy[r["case"]] = r
    print("| T | K | τ | seed | states | Auto ran | Auto | Power | GMRES-DR | Auto ÷ fastest (time) | Auto ÷ cheapest (cost) | SciPy power | SciPy ÷ Auto |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    times, costs, versus = [], [], []
    for name, d in ours.items():
        A, P, G = d["Auto"], d["Power"], d["Gmres"]
        T = A["T"]
        conv = [x for x in (P, G) if x["status"] == "Converged"]
        t = A["seconds"] / min(x["seconds"] for x in conv)
        c = A["matvecs"] * passes(T, A["method"]) / min(x["matvecs"] * passes(T, x["method"]) for x in conv)
        times.append(t); costs.append(c)
        cell = lambda x: f"{x['seconds']:.4f} s ({x['matvecs']:,})" if x["status"] == "Converged" else f"not conv. in {x['matvecs'] - 1:,}"
        s = scipy.get(name)
        if s:
            versus.append((s["seconds"] / A["seconds"], name))
        sc = f"{s['seconds']:.4f} s ({s['matvecs']:,})" if s else "—"
        sr = f"{s['seconds'] / A['seconds']:.1f}×" if s else "—"
        print(f"| {T} | {A['K']} | {A['tau']} | {A['seed']} | {A['states']:,} | {A['method']} | {cell(A)} | {cell(P)} | {cell(G)} | {t:.2f} | {c:.2f} | {sc} | {sr} |")
    times.sort(); costs.sort(); versus.sort()
    n = len(times)
    print(f"\ncases {n}; time ratio: median {times[n // 2]:.2f}, ≤1.15 in {sum(1 for x in times if x <= 1.15)}, max {times[-1]:.2f}; "
          f"cost ratio: median {costs[n // 2]:.2f}, ≤1.15 in {sum(1 for x in costs if x <= 1.15)}, max {costs[-1]:.2f}")
    if versus:
        print(f"SciPy/Auto: {len(versus)} cases, min {versus[0][0]:.1f} ({versus[0][1]}), ≥2 in {sum(1 for x, _ in versus if x >= 2)}; "
              f"below 2: {[(round(x, 2), c) for x, c in versus if x < 2]}")


if __name__ == "__main__":
    main(sys.argv[1])
