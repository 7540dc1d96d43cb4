"""One side-by-side run: SLEM of T = 2, K = 16 chains (65,536 states) by LlmChains and by SciPy's ARPACK, on the
same matrices (docs/spectrum.md).

Usage (from the repository root):
  /usr/bin/python3 benchmarks/compare/spectrum_compare.py [--repeat 3] [--workdir DIR]
        [--ours "dotnet run -c Release --project benchmarks/LlmChains.Benchmarks -- spectrum"]

Two matrices, each solved by both tools:
  1. P_ℛ of LlmChains' RandomLogitsModel(T = 2, K = 16, scale 3, seed 0), exported with MatrixMarket.Write;
  2. the anchor's matrix (../shared/anchors/scipy_llmchain.py: NumPy default_rng(0), N(0, 3²) logits), written by
     scipy.io.mmwrite and read by LlmChains with MatrixMarket.Read.
ARPACK is called as the anchor calls it: eigs(Pᵀ, k=4, which='LM', tol=1e-10), eigenvalues only. LlmChains runs with
Count = 4 (the eigenvalue 1 and three more) and Tolerance = 1e-10.
"""
import argparse
import os
import platform
import re
import shlex
import subprocess
import sys
import time

import numpy as np
import scipy
import scipy.io

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spectrum_arpack import arpack, build, slem  # noqa: E402

RESULT = re.compile(r"RESULT llmchains seconds=(\S+) slem=(\S+) bound=(\S+) products=(\d+) restarts=(\d+) converged=(\S+)")


def ours(command, extra):
    """Runs the LlmChains console mode; echoes its output; returns the parsed RESULT lines."""
    line = shlex.split(command) + extra
    print("$", " ".join(line), flush=True)
    output = subprocess.run(line, check=True, capture_output=True, text=True).stdout
    print(output, end="", flush=True)
    return [dict(zip(("seconds", "slem", "bound", "products", "restarts", "converged"), m.groups())) for m in RESULT.finditer(output)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", default="/tmp/spectrum-compare")
    parser.add_argument("--ours", default="dotnet run -c Release --project benchmarks/LlmChains.Benchmarks -- spectrum")
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; numpy {np.__version__}, scipy {scipy.__version__}", flush=True)
    rows = []

    # 1. LlmChains' own matrix, exported for SciPy.
    ours_file = os.path.join(args.workdir, "llmchains_t2k16.mtx")
    runs = ours(args.ours, ["--vocab", "2", "--context", "16", "--scale", "3", "--count", "4", "--export", ours_file, "--repeat", str(args.repeat)])
    P = scipy.io.mmread(ours_file).tocsr()
    seconds, values = arpack(P)
    print(f"ARPACK on {ours_file}: {seconds:.2f} s, SLEM {slem(values):.12f}, |λ| = {np.round(np.abs(values), 10).tolist()}", flush=True)
    rows.append(("LlmChains RandomLogitsModel(2, 16, 3)", runs, seconds, slem(values)))

    # 2. The anchor's matrix, imported by LlmChains.
    anchor_file = os.path.join(args.workdir, "scipy_t2k16.mtx")
    t = time.perf_counter()
    P = build(2, 16)
    build_seconds = time.perf_counter() - t
    scipy.io.mmwrite(anchor_file, P, precision=17)
    seconds, values = arpack(P)
    print(f"ARPACK on the anchor's matrix (built in {build_seconds:.2f} s): {seconds:.2f} s, SLEM {slem(values):.12f}, |λ| = {np.round(np.abs(values), 10).tolist()}", flush=True)
    runs = ours(args.ours, ["--matrix", anchor_file, "--count", "4", "--repeat", str(args.repeat)])
    rows.append(("anchor scipy_llmchain.build(2, 16)", runs, seconds, slem(values)))

    print()
    print("| matrix (65,536 states) | ARPACK eigs k=4 | SLEM (ARPACK) | LlmChains (min / max of runs) | SLEM ± bound (LlmChains) | products | restarts | speed-up (ARPACK / min) |")
    print("|---|---|---|---|---|---|---|---|")
    for name, runs, arpack_seconds, arpack_slem in rows:
        times = [float(r["seconds"]) for r in runs]
        r = runs[0]
        print(f"| {name} | {arpack_seconds:.1f} s | {arpack_slem:.10f} | {min(times):.2f} / {max(times):.2f} s | "
              f"{float(r['slem']):.10f} ± {float(r['bound']):.1e} | {r['products']} | {r['restarts']} | {arpack_seconds / min(times):.1f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
