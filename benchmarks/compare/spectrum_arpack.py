"""SciPy/ARPACK side of the SLEM comparison (docs/spectrum.md).

Usage:
  /usr/bin/python3 spectrum_arpack.py FILE.mtx [k]            # eigs(Pᵀ, k, which='LM', tol=1e-10) on a MatrixMarket file
  /usr/bin/python3 spectrum_arpack.py --generate T K OUT.mtx    # write the instance ../shared/anchors/scipy_llmchain.py builds

The generated instance is the anchor's: P_ℛ of a T^K-state chain with N(0, 3²) logits from
numpy.random.default_rng(0), τ = 1, state c -> (c·T + x) mod T^K. It is written with 17 significant
digits so that LlmChains reads the same matrix (MatrixMarket.Read).
"""
import sys
import time

import numpy as np
import scipy
import scipy.io
import scipy.sparse as sp
import scipy.sparse.linalg as sla


def build(T, K, tau=1.0, seed=0, scale=3.0):
    """The anchor's matrix (scipy_llmchain.py, build)."""
    N = T ** K
    rng = np.random.default_rng(seed)
    logits = rng.standard_normal((N, T)) * scale
    z = logits / tau
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    rows = np.repeat(np.arange(N), T)
    cols = ((np.arange(N)[:, None] * T + np.arange(T)[None, :]) % N).ravel()
    return sp.csr_matrix((p.ravel(), (rows, cols)), shape=(N, N))


def arpack(P, k=4, tol=1e-10):
    """The anchor's call: eigs(Pᵀ, k, which='LM', tol), eigenvalues only. Returns (seconds, eigenvalues by modulus)."""
    A = P.T.tocsr()
    t = time.perf_counter()
    values = sla.eigs(A, k=k, which='LM', return_eigenvectors=False, tol=tol)
    seconds = time.perf_counter() - t
    return seconds, values[np.argsort(-np.abs(values))]


def slem(values):
    """Largest modulus once the eigenvalue nearest 1 is removed."""
    unit = int(np.argmin(np.abs(values - 1)))
    rest = np.delete(values, unit)
    return float(np.max(np.abs(rest))) if rest.size else 0.0


def main(argv):
    if argv[1] == '--generate':
        T, K, out = int(argv[2]), int(argv[3]), argv[4]
        P = build(T, K)
        scipy.io.mmwrite(out, P, precision=17)
        print(f"wrote {out}: {P.shape[0]} states, {P.nnz} non-zeros")
        return 0
    path = argv[1]
    k = int(argv[2]) if len(argv) > 2 else 4
    t = time.perf_counter()
    P = scipy.io.mmread(path).tocsr()
    load = time.perf_counter() - t
    seconds, values = arpack(P, k)
    print(f"numpy {np.__version__} scipy {scipy.__version__}; {path}: {P.shape[0]} states, read in {load:.2f} s")
    print(f"ARPACK eigs(k={k}, which='LM', tol=1e-10): {seconds:.2f} s, SLEM {slem(values):.10f}")
    for v in values:
        print(f"  {v.real:+.10f} {v.imag:+.10f}i  |λ| = {abs(v):.10f}")
    print(f"RESULT arpack seconds={seconds:.3f} slem={slem(values):.12f}")
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
