#!/usr/bin/python3
"""Every side-by-side target of issue #7 in one run: SciPy (the anchor's code, ../shared/anchors/scipy_llmchain.py)
against LlmChains on the very same chains, with the ratios.

Chains: the anchor's LLM-shaped block (T^K length-K windows, logits N(0, 1)·3 from numpy's default_rng(0), divided
by tau). The script writes each case's logits as a (|V_K^*|, T) table in LlmChains' state order (NAME.npy, zeros
on the transient states) and NAME.case ("KIND T K tau"), times SciPy, then runs the `compare` mode of the
benchmarks project on the same directory (benchmarks/LlmChains.Benchmarks/CompareRun.cs), which times LlmChains on
the recurrent block -- the anchor's matrix -- and prints JSON lines. Both sides report the fastest of --repeat runs.

  dotnet build benchmarks/LlmChains.Benchmarks -c Release --artifacts-path /tmp/art-bench
  /usr/bin/python3 benchmarks/compare/compare_all.py --dir /tmp/compare-all \
      --csharp "dotnet /tmp/art-bench/bin/LlmChains.Benchmarks/release/LlmChains.Benchmarks.dll compare"

Targets (issue #7): step >= 3x SciPy CSR SpMV; pi at tau = 1 (T=10, K=6) >= 2x SciPy power; pi at tau = 0.25
(T=10, K=5) >= 8x; SLEM (T=2, K=16) >= 20x ARPACK eigs(k=4); MathNet's SparseMatrix step >= 10x slower than ours.
"""
import argparse, json, os, platform, shlex, subprocess, sys, time
import numpy as np, scipy, scipy.sparse.linalg as sla

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stationary_scipy import build, logits_of, power, write_table  # noqa: E402  (the anchor's build() and power())

CASES = [  # (name, kind, T, K, tau)
    ("a_step_t2k22", "step", 2, 22, 1.0),
    ("b_step_t10k6", "step", 10, 6, 1.0),
    ("c_build_t10k6", "build", 10, 6, 1.0),
    ("d_pi_t10k6_tau1", "pi", 10, 6, 1.0),
    ("e_pi_t10k5_tau0.25", "pi", 10, 5, 0.25),
    ("f_pi_t2k10_tau0.1", "pi", 2, 10, 0.1),
    ("g_slem_t2k16", "slem", 2, 16, 1.0),
]


def best(repeat, f):
    out, dt = None, float("inf")
    for _ in range(repeat):
        t = time.perf_counter(); out = f(); dt = min(dt, time.perf_counter() - t)
    return out, dt


def scipy_side(kind, logits, T, K, tau, repeat):
    """Times SciPy on one case; returns a dict of measurements."""
    if kind == "build":
        _, dt = best(repeat, lambda: build(logits, T, K, tau))
        return {"what": "build (softmax + CSR)", "seconds": dt}
    P = build(logits, T, K, tau)
    if kind == "step":
        PT = P.T.tocsr(); x = np.full(P.shape[0], 1.0 / P.shape[0])
        _, dt = best(repeat, lambda: [PT @ x for _ in range(10)])
        return {"what": "CSR SpMV x·P (P.T @ x)", "seconds": dt / 10}
    if kind == "pi":
        cap = 2000000 if T ** K <= 4096 else 100000
        (pi, it), dt = best(repeat if cap <= 100000 else 1, lambda: power(P, maxit=cap))
        return {"what": "power", "seconds": dt, "matvecs": it, "residual": float(np.abs(P.T @ pi - pi).sum())}
    if kind == "slem":
        PT = P.T.tocsr()
        values, dt = best(1, lambda: sla.eigs(PT, k=4, which="LM", return_eigenvectors=False, tol=1e-10))
        m = np.sort(np.abs(values))[::-1]
        return {"what": "ARPACK eigs(k=4, LM)", "seconds": dt, "slem": float(m[1])}
    raise ValueError(kind)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default="/tmp/compare-all")
    ap.add_argument("--csharp", required=True, help="command that runs the LlmChains side: COMMAND DIR REPEAT")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    for f in os.listdir(a.dir):
        if f.endswith(".case"):
            os.remove(os.path.join(a.dir, f))
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; numpy {np.__version__}, scipy {scipy.__version__}", flush=True)
    ours_rows, scipy_rows = {}, {}
    for (name, kind, T, K, tau) in CASES:
        logits = logits_of(T, K)
        write_table(os.path.join(a.dir, name + ".npy"), logits, T, K)
        with open(os.path.join(a.dir, name + ".case"), "w") as f:
            f.write(f"{kind} {T} {K} {tau}\n")
        r = scipy_side(kind, logits, T, K, tau, a.repeat)
        r.update({"side": "scipy", "case": name, "states": T ** K})
        print(json.dumps(r), flush=True)
        scipy_rows[name] = r
    out = subprocess.run(shlex.split(a.csharp) + [a.dir, str(a.repeat)], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        print(line, flush=True)
        r = json.loads(line)
        if "case" in r:
            ours_rows.setdefault(r["case"], []).append(r)

    def ours(name, prefix):
        return next(r for r in ours_rows[name] if r["what"].startswith(prefix))

    print()
    print("| job | states | SciPy | LlmChains | ratio (SciPy / LlmChains) | target |")
    print("|---|---|---|---|---|---|")
    for (name, kind, T, K, tau) in CASES:
        s = scipy_rows[name]
        label = f"T={T}, K={K}" + (f", τ={tau:g}" if kind == "pi" else "")
        if kind == "step":
            for prefix in ("step structured float32", "step structured float64", "step CSR", "step MathNet"):
                o = ours(name, prefix)
                target = "≥ 3×" if prefix.startswith("step structured") else ""
                print(f"| step, {label}, {o['what'][5:]} | {s['states']:,} | {s['seconds'] * 1e3:.2f} ms | {o['seconds'] * 1e3:.2f} ms | {s['seconds'] / o['seconds']:.2f}× | {target} |")
            mathnet, fast = ours(name, "step MathNet"), ours(name, "step structured float32")
            print(f"| MathNet / our float32 step, {label} | | | | {mathnet['seconds'] / fast['seconds']:.1f}× slower | ≥ 10× |")
        elif kind == "build":
            for prefix in ("build float64", "build float32"):
                o = ours(name, prefix)
                print(f"| construction, {label}, {prefix[6:]} | {o['states']:,} (SciPy {s['states']:,}) | {s['seconds']:.3f} s | {o['seconds']:.3f} s | {s['seconds'] / o['seconds']:.2f}× | |")
        elif kind == "pi":
            o = ours(name, "pi")
            target = {1.0: "≥ 2×", 0.25: "≥ 8×", 0.1: "≤ 1% of power's products"}[tau]
            print(f"| π, {label}: SciPy power {s['matvecs']:,} products, res {s['residual']:.1e}; ours {o['what'][3:]}, {o['matvecs']:,} products, res {o['residual']:.1e} | {s['states']:,} | {s['seconds']:.3f} s | {o['seconds']:.3f} s | {s['seconds'] / o['seconds']:.2f}× | {target} |")
        elif kind == "slem":
            o = ours(name, "slem")
            print(f"| SLEM, {label}: ARPACK {s['slem']:.10f}; ours {o['slem']:.10f} ± {o['bound']:.1e} ({o['matvecs']} products) | {s['states']:,} | {s['seconds']:.2f} s | {o['seconds']:.2f} s | {s['seconds'] / o['seconds']:.1f}× | ≥ 20× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
