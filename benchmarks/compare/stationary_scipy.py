#!/usr/bin/python3
"""Side-by-side stationary-distribution run: SciPy power iteration (as in ../shared/anchors/scipy_llmchain.py)
against LlmChains on the very same chains.

For each case it builds the anchor's LLM-shaped chain (T^K length-K windows, T successors each, logits
N(0, 1)·3 from numpy's default_rng(0), divided by tau), times SciPy power iteration (the anchor's `power`:
stop when ||y - x||_1 < 1e-12, which for y = x·P is the residual), and writes
  <dir>/<case>.npy    the logits as a (|V_K^*|, T) table in LlmChains' state order (zeros on the shorter,
                      transient states; the anchor's row i is the length-K state with base-T code i), and
  <dir>/<case>.pi.f64 SciPy's pi (little-endian float64) for the comparison.
Then, with --csharp "COMMAND", it runs COMMAND <dir> <cases|all> <repeat> (the `stationary` mode of the
benchmarks project), which reads the same files, solves with LlmChains and prints its own lines. Timings are the
fastest of --repeat runs on both sides (SciPy's capped 2,000,000-step run once). Run:

  /usr/bin/python3 benchmarks/compare/stationary_scipy.py --dir /tmp/stationary-compare \
      --csharp "dotnet artifacts/bin/LlmChains.Benchmarks/release/LlmChains.Benchmarks.dll stationary"
"""
import argparse, json, os, subprocess, sys, time
import numpy as np, scipy, scipy.sparse as sp

CASES = [  # (name, T, K, tau, power iteration cap)
    ("t10k6_tau1", 10, 6, 1.0, 100000),
    ("t10k5_tau0.25", 10, 5, 0.25, 100000),
    ("t2k10_tau0.1", 2, 10, 0.1, 2000000),
]


def logits_of(T, K, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((T ** K, T)) * 3.0


def build(logits, T, K, tau):  # identical to the anchor's build()
    N = T ** K
    z = logits / tau
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z); p /= p.sum(axis=1, keepdims=True)
    rows = np.repeat(np.arange(N), T)
    cols = ((np.arange(N)[:, None] * T + np.arange(T)[None, :]) % N).ravel()
    return sp.csr_matrix((p.ravel(), (rows, cols)), shape=(N, N))


def power(P, tol=1e-12, maxit=100000):  # the anchor's power()
    N = P.shape[0]; PT = P.T.tocsr(); x = np.full(N, 1.0 / N)
    for it in range(maxit):
        y = PT @ x; y /= y.sum()
        if np.abs(y - x).sum() < tol: return y, it + 1
        x = y
    return x, maxit


def write_table(path, logits, T, K):
    offset = sum(T ** l for l in range(1, K))  # Σ_{l<K} T^l: the first length-K state
    table = np.zeros((offset + T ** K, T))
    table[offset:] = logits
    np.save(path, table)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default="/tmp/stationary-compare")
    ap.add_argument("--csharp", default=None, help="command that runs the LlmChains side on --dir")
    ap.add_argument("--cases", default=None, help="comma-separated case names (default: all)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per timing, fastest reported (power capped above 100k steps runs once)")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    print(f"numpy {np.__version__} scipy {scipy.__version__} cpus {os.cpu_count()}", flush=True)
    wanted = set(a.cases.split(",")) if a.cases else None
    for (name, T, K, tau, cap) in CASES:
        if wanted and name not in wanted:
            continue
        logits = logits_of(T, K)
        write_table(os.path.join(a.dir, name + ".npy"), logits, T, K)
        P = build(logits, T, K, tau)
        dt = float("inf")
        for _ in range(a.repeat if cap <= 100000 else 1):
            t = time.perf_counter(); pi, it = power(P, maxit=cap); dt = min(dt, time.perf_counter() - t)
        res = float(np.abs(P.T @ pi - pi).sum())
        pi.astype("<f8").tofile(os.path.join(a.dir, name + ".pi.f64"))
        with open(os.path.join(a.dir, name + ".case"), "w") as f:
            f.write(f"{T} {K} {tau}\n")
        print(json.dumps({"side": "scipy-power", "case": name, "T": T, "K": K, "tau": tau, "states": T ** K,
                          "seconds": round(dt, 3), "matvecs": it, "residual": res}), flush=True)
    if a.csharp:
        subprocess.run(a.csharp.split() + [a.dir, a.cases or "all", str(a.repeat)], check=True)


if __name__ == "__main__":
    main()
