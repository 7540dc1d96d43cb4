#!/usr/bin/python3
"""Writes the MatrixMarket fixtures read by MatrixMarketTests with scipy.io.mmwrite.

Run from this directory with the system Python that has SciPy (Debian: apt-get install python3-scipy):
    /usr/bin/python3 make_fixtures.py
Generated with SciPy 1.10.1 / NumPy 1.24. The tests hold the same matrices as literals; they do not run Python.
"""
import numpy as np
import scipy
import scipy.io
import scipy.sparse as sp

# 5 states, sparse, not symmetric -> "coordinate real general"
rows = [0, 0, 1, 1, 1, 2, 2, 2, 3, 4, 4, 4]
cols = [1, 3, 0, 2, 4, 2, 3, 4, 0, 0, 1, 4]
vals = [0.5, 0.5, 1 / 3, 1 / 3, 1 / 3, 0.1, 0.2, 0.7, 1.0, 0.25, 0.125, 0.625]
coordinate = sp.coo_matrix((vals, (rows, cols)), shape=(5, 5))
scipy.io.mmwrite("scipy_coordinate.mtx", coordinate, comment="5-state sparse chain (make_fixtures.py)")

# dense NumPy array, not symmetric -> "array real general" (column-major)
dense = np.array([
    [0.2, 0.3, 0.5, 0.0],
    [0.0, 0.0, 1.0, 0.0],
    [0.25, 0.25, 0.25, 0.25],
    [0.9, 0.0, 0.0, 0.1],
])
scipy.io.mmwrite("scipy_array.mtx", dense, comment="4-state dense chain (make_fixtures.py)")

# symmetric doubly stochastic sparse matrix -> "coordinate real symmetric" (lower triangle only)
symmetric = sp.coo_matrix(np.array([
    [0.5, 0.5, 0.0, 0.0],
    [0.5, 0.0, 0.25, 0.25],
    [0.0, 0.25, 0.75, 0.0],
    [0.0, 0.25, 0.0, 0.75],
]))
scipy.io.mmwrite("scipy_symmetric.mtx", symmetric, comment="symmetric chain (make_fixtures.py)")

# symmetric dense array -> "array real symmetric" (lower triangle, column-major)
symmetric_dense = np.array([
    [0.5, 0.25, 0.25],
    [0.25, 0.5, 0.25],
    [0.25, 0.25, 0.5],
])
scipy.io.mmwrite("scipy_array_symmetric.mtx", symmetric_dense, comment="symmetric dense chain (make_fixtures.py)")

# cyclic permutation 1 -> 2 -> 3 -> 1 with integer field -> "coordinate integer general"
cycle = sp.coo_matrix(([1, 1, 1], ([0, 1, 2], [1, 2, 0])), shape=(3, 3))
scipy.io.mmwrite("scipy_integer.mtx", cycle, field="integer", comment="3-cycle (make_fixtures.py)")

# self-check: SciPy reads back what it wrote
for name, expected in [("scipy_coordinate.mtx", coordinate), ("scipy_array.mtx", dense),
                       ("scipy_symmetric.mtx", symmetric), ("scipy_array_symmetric.mtx", symmetric_dense),
                       ("scipy_integer.mtx", cycle)]:
    back = scipy.io.mmread(name)
    back = back.toarray() if sp.issparse(back) else back
    want = expected.toarray() if sp.issparse(expected) else expected
    assert np.array_equal(back, want), name
print("scipy", scipy.__version__, "numpy", np.__version__)
