#!/usr/bin/python3
"""The stationary-solve grid of issue 15 (docs/stationary.md, "Auto on every shape"), LlmChains and SciPy in one run.

1. LlmChains (`stationarygrid solve`, benchmarks/LlmChains.Benchmarks/StationaryGridRun.cs) solves pi on the recurrent
   block of RandomLogitsModel(T, K, 3.0, seed) at temperature tau with Auto, Power (capped) and GMRES-DR, each to the
   residual 1e-12, and prints one JSON line per solve (fastest of --repeat, the three methods in rotation).
2. For every case where our power iteration converged, `stationarygrid export` writes the block's rows and SciPy runs
   the anchor's power iteration (../shared/anchors/scipy_llmchain.py: y = P^T x, y /= sum(y), stop when
   ||y - x||_1 < 1e-12) on a CSR copy of P^T, fastest of --repeat (once when a run takes over 2 s).
3. Prints the table: per case the time and products of each method, Auto / fastest of its methods, SciPy / Auto.

  dotnet build benchmarks/LlmChains.Benchmarks -c Release --artifacts-path /tmp/art-bench
  /usr/bin/python3 benchmarks/compare/stationary_grid.py \
      --csharp "dotnet /tmp/art-bench/bin/LlmChains.Benchmarks/release/LlmChains.Benchmarks.dll stationarygrid"
"""
import argparse, json, os, platform, shlex, subprocess, time
import numpy as np, scipy, scipy.sparse as sp

SHAPES = "2:14,2:17,3:9,3:11,4:7,4:9,10:4,10:5,50:3"
TAUS = "2,1,0.7,0.5,0.25,0.1"


def power(PT, tol=1e-12, maxit=100000):  # the anchor's power() on a prepared CSR P^T
    N = PT.shape[0]; x = np.full(N, 1.0 / N)
    for it in range(maxit):
        y = PT @ x; y /= y.sum()
        if np.abs(y - x).sum() < tol: return y, it + 1
        x = y
    return x, maxit


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--csharp", required=True, help="command of the `stationarygrid` mode")
    ap.add_argument("--shapes", default=SHAPES)
    ap.add_argument("--taus", default=TAUS)
    ap.add_argument("--seeds", default="0,1")
    ap.add_argument("--extra", default="10:6:2:0,10:6:1:0,10:6:0.5:0,4:10:1:0,2:20:1:0", help="more T:K:tau:seed cases (10^6 states)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--power-cap", type=int, default=20000)
    ap.add_argument("--dir", default="/tmp/stationary-grid")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    cases = [f"{s}:{t}:{seed}" for s in a.shapes.split(",") for t in a.taus.split(",") for seed in a.seeds.split(",")]
    cases += [c for c in a.extra.split(",") if c]
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; numpy {np.__version__}, scipy {scipy.__version__}; load {os.getloadavg()[0]:.2f}", flush=True)
    out = subprocess.run(shlex.split(a.csharp) + ["solve", ",".join(cases), str(a.repeat), str(a.power_cap)], check=True, capture_output=True, text=True).stdout
    print(out, end="", flush=True)
    ours = {}
    for line in out.splitlines():
        r = json.loads(line)
        if "case" in r:
            ours.setdefault(r["case"], {})[r["requested"]] = r
    scipy_rows = {}
    for name, d in ours.items():
        if d["Power"]["status"] != "Converged":
            continue
        T, K, tau, seed = d["Power"]["T"], d["Power"]["K"], d["Power"]["tau"], d["Power"]["seed"]
        subprocess.run(shlex.split(a.csharp) + ["export", a.dir, f"{T}:{K}:{tau}:{seed}"], check=True)
        n = d["Power"]["states"]
        p = np.fromfile(os.path.join(a.dir, name + ".p.f64"), dtype="<f8")
        j = np.fromfile(os.path.join(a.dir, name + ".j.i32"), dtype="<i4")
        rows = np.repeat(np.arange(n), T)
        PT = sp.csr_matrix((p, (j, rows)), shape=(n, n))  # P^T: entry (j, i) = P(i, j)
        PT.sum_duplicates(); PT.eliminate_zeros()
        best = float("inf")
        for rep in range(a.repeat):
            t = time.perf_counter(); pi, it = power(PT, maxit=2 * d["Power"]["matvecs"] + 1000); dt = time.perf_counter() - t
            best = min(best, dt)
            if dt > 2:
                break
        res = float(np.abs(PT @ pi - pi).sum())
        scipy_rows[name] = {"seconds": best, "matvecs": it, "residual": res}
        print(json.dumps({"side": "scipy-power", "case": name, "states": n, "seconds": round(best, 4), "matvecs": it, "residual": res, "load": os.getloadavg()[0]}), flush=True)
        os.remove(os.path.join(a.dir, name + ".p.f64")); os.remove(os.path.join(a.dir, name + ".j.i32"))
    print()
    print("| T | K | τ | seed | states | Auto ran | Auto | Power | GMRES-DR | Auto ÷ fastest | SciPy power | SciPy ÷ Auto |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    worst, worst_scipy = 0, float("inf")
    for name, d in ours.items():
        A, P, G = d["Auto"], d["Power"], d["Gmres"]
        conv = [x for x in (P, G) if x["status"] == "Converged"]
        fastest = min(x["seconds"] for x in conv)
        ratio = A["seconds"] / fastest
        worst = max(worst, ratio)
        def cell(x):
            return f"{x['seconds']:.4f} s ({x['matvecs']:,})" if x["status"] == "Converged" else f"not converged in {x['matvecs'] - 1:,}"
        s = scipy_rows.get(name)
        sc = f"{s['seconds']:.4f} s ({s['matvecs']:,})" if s else "—"
        sr = f"{s['seconds'] / A['seconds']:.1f}×" if s else "—"
        if s:
            worst_scipy = min(worst_scipy, s["seconds"] / A["seconds"])
        print(f"| {A['T']} | {A['K']} | {A['tau']} | {A['seed']} | {A['states']:,} | {A['method']} | {A['seconds']:.4f} s ({A['matvecs']:,}) | {cell(P)} | {cell(G)} | {ratio:.2f} | {sc} | {sr} |")
    print(f"\nworst Auto / fastest: {worst:.2f}; smallest SciPy / Auto: {worst_scipy:.1f}; load at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
