#!/usr/bin/python3
"""One step x·P of the recurrent block (T^K full-length windows) for every T of the step sweep, SciPy against
LlmChains in one run, with the step's bandwidth as a fraction of a STREAM-style copy measured by the LlmChains side
in the same process (benchmarks/LlmChains.Benchmarks/StepSweepRun.cs).

SciPy's side is the CSR product of Pᵀ (x·P = Pᵀx, T non-zeros a row: target s·T + a is reached from the sources
b·T^(K-1) + s, b = 0..T-1) into a preallocated vector, scipy.sparse._sparsetools.csr_matvec (one core, no BLAS;
y += Pᵀx, y zeroed first). Only the sparsity pattern matters for the time, so the values are random. Fastest of
--repeat rounds of 10 products after one untimed round, per product.

  dotnet build benchmarks/LlmChains.Benchmarks -c Release --artifacts-path /tmp/art-bench
  /usr/bin/python3 benchmarks/compare/step_sweep.py --repeat 5 \
      --csharp "dotnet /tmp/art-bench/bin/LlmChains.Benchmarks/release/LlmChains.Benchmarks.dll stepsweep"
"""
import argparse, gc, json, os, platform, shlex, subprocess, sys, time
import numpy as np, scipy
from scipy.sparse import _sparsetools

SHAPES = "2:22,3:14,4:11,5:9,6:8,7:8,8:7,12:6,16:5,32:4,50:4,64:3,100:3,256:2"


def scipy_step(T, K, repeat):
    n = T ** K
    stride = T ** (K - 1)
    rows = np.arange(n, dtype=np.int64)
    indices = ((np.arange(T, dtype=np.int64)[None, :] * stride) + (rows // T)[:, None]).astype(np.int32).ravel()
    del rows
    indptr = (np.arange(n + 1, dtype=np.int64) * T).astype(np.int32 if n * T < 2 ** 31 else np.int64)
    data = np.random.default_rng(0).random(n * T)
    x = np.full(n, 1.0 / n)
    y = np.zeros(n)

    def ten():
        for _ in range(10):
            y[:] = 0.0
            _sparsetools.csr_matvec(n, n, indptr, indices, data, x, y)

    ten()
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter(); ten(); best = min(best, time.perf_counter() - t)
    # the zeroing is part of "into a preallocated vector"; time it alone to report it
    zero = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        for _ in range(10):
            y[:] = 0.0
        zero = min(zero, time.perf_counter() - t)
    return best / 10, zero / 10


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--csharp", required=True, help="command that runs the LlmChains side: COMMAND SHAPES ROUNDS")
    ap.add_argument("--shapes", default=SHAPES)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=20)
    a = ap.parse_args()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; numpy {np.__version__}, scipy {scipy.__version__}; load {os.getloadavg()[0]:.2f}", flush=True)
    ours, theirs = {}, {}
    for shape in a.shapes.split(","):
        T, K = map(int, shape.split(":"))
        seconds, zero = scipy_step(T, K, a.repeat)
        r = {"side": "scipy", "T": T, "K": K, "states": T ** K, "seconds": seconds, "zeroing": zero, "load": os.getloadavg()[0]}
        print(json.dumps(r), flush=True)
        theirs[T] = r
        gc.collect()
    out = subprocess.run(shlex.split(a.csharp) + [a.shapes, str(a.rounds)], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        print(line, flush=True)
        r = json.loads(line)
        if "T" in r:
            ours[r["T"]] = r
    print()
    print("| T | K | states | copy GB/s | SciPy | float64 | bandwidth | SciPy ratio | float32 | bandwidth | SciPy ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for shape in a.shapes.split(","):
        T = int(shape.split(":")[0])
        s, o = theirs[T], ours[T]
        print(f"| {T} | {o['K']} | {o['states']:,} | {o['copy_gbs']:.1f} | {s['seconds'] * 1e3:.2f} ms | {o['step64'] * 1e3:.2f} ms | {o['frac64']:.2f} | "
              f"{s['seconds'] / o['step64']:.2f}× | {o['step32'] * 1e3:.2f} ms | {o['frac32']:.2f} | {s['seconds'] / o['step32']:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
