#!/usr/bin/python3
"""SLEM on every shape (issue 15, item 3): LlmChains' Krylov–Schur against SciPy's ARPACK on the same matrices, one run.

For every case "T:K:tau" the LlmChains console mode writes P_R of RandomLogitsModel(T, K, 3/tau, seed 0) (the chain at
temperature tau) with MatrixMarket.Write; SciPy reads it and calls ARPACK as the anchor does, eigs(P.T, k=4,
which='LM', tol=1e-10), eigenvalues only, once; LlmChains then solves the same chain (Count = 4, Tolerance = 1e-10,
fastest of --repeat runs in one process: the first runs pay the JIT, e.g. 0.31 s, 0.14 s, then 0.04 s at T = 10, K = 4) and the script prints a markdown table
with both times, both SLEMs, our error bound and products, and the ratio. Run from the repository root:

  dotnet build benchmarks/LlmChains.Benchmarks -c Release --artifacts-path /tmp/art-bench
  /usr/bin/python3 benchmarks/compare/spectrum_grid.py \
      --ours "dotnet /tmp/art-bench/bin/LlmChains.Benchmarks/release/LlmChains.Benchmarks.dll spectrum"
"""
import argparse, os, platform, re, shlex, subprocess, sys
import numpy as np, scipy, scipy.io
import scipy.sparse.linalg as sla

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spectrum_arpack import arpack, slem  # noqa: E402

CASES = ("2:14:2,2:14:1,2:14:0.5,2:14:0.25,3:9:2,3:9:1,3:9:0.5,3:9:0.25,4:7:2,4:7:1,4:7:0.5,4:7:0.25,"
         "10:4:2,10:4:1,10:4:0.5,10:4:0.25,50:3:2,50:3:1,50:3:0.5,50:3:0.25")
RESULT = re.compile(r"RESULT llmchains seconds=(\S+) slem=(\S+) bound=(\S+) products=(\d+) restarts=(\d+) converged=(\S+)")


def arpack_count(P, k=4, tol=1e-10):
    """The same ARPACK call once more, untimed, through a LinearOperator that counts the products (ARPACK starts from a
    random vector, so the count of this second call can differ from the timed one's)."""
    A = P.T.tocsr()
    count = [0]

    def product(x):
        count[0] += 1
        return A @ x

    op = sla.LinearOperator(A.shape, matvec=product, dtype=float)
    values = sla.eigs(op, k=k, which='LM', return_eigenvectors=False, tol=tol)
    return count[0], values


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", required=True)
    ap.add_argument("--cases", default=CASES)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--ours-count", type=int, default=4,
                    help="Count of our solve (4 = ARPACK's k; 2 = the eigenvalue 1 and the SLEM, with its conjugate)")
    ap.add_argument("--workdir", default="/tmp/spectrum-grid")
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; numpy {np.__version__}, scipy {scipy.__version__}; load {os.getloadavg()[0]:.2f}", flush=True)
    rows = []
    for case in a.cases.split(","):
        T, K, tau = case.split(":")
        scale = f"{3.0 / float(tau):g}"
        base = shlex.split(a.ours) + ["--vocab", T, "--context", K, "--scale", scale, "--count", str(a.ours_count), "--tolerance", "1e-10"]
        mtx = os.path.join(a.workdir, f"t{T}k{K}_tau{tau}.mtx")
        subprocess.run(base + ["--export", mtx, "--repeat", "1"], check=True, capture_output=True)
        P = scipy.io.mmread(mtx).tocsr()
        seconds, values = arpack(P)
        theirs = slem(values)
        arpack_products, _ = arpack_count(P)
        out = subprocess.run(base + ["--repeat", str(a.repeat)], check=True, capture_output=True, text=True).stdout
        runs = [m.groups() for m in RESULT.finditer(out)]
        best = min(runs, key=lambda r: float(r[0]))
        ours_s, ours_slem, bound, products, restarts, converged = best
        row = (T, K, tau, P.shape[0], seconds, theirs, float(ours_s), float(ours_slem), float(bound), int(products), int(restarts), converged,
               seconds / float(ours_s), abs(theirs - float(ours_slem)), os.getloadavg()[0], arpack_products)
        rows.append(row)
        print(f"RESULT {case} states={P.shape[0]} arpack={seconds:.3f} arpack_products={arpack_products} slem_arpack={theirs:.12f} ours={float(ours_s):.3f} slem={float(ours_slem):.12f} "
              f"bound={float(bound):.2e} products={products} restarts={restarts} converged={converged} ratio={seconds / float(ours_s):.1f} load={os.getloadavg()[0]:.2f}", flush=True)
        os.remove(mtx)
    print()
    print("| T | K | τ | states | ARPACK | its products | SLEM (ARPACK) | ours | SLEM ± bound (ours) | products | restarts | ARPACK ÷ ours | load |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        (T, K, tau, n, ts, sl, o, osl, b, p, rs, c, ratio, diff, load, ap_) = r
        print(f"| {T} | {K} | {tau} | {n:,} | {ts:.3f} s | {ap_:,} | {sl:.10f} | {o:.3f} s | {osl:.10f} ± {b:.1e} | {p:,} | {rs} | **{ratio:.1f}×** | {load:.1f} |")


if __name__ == "__main__":
    main()
