#!/usr/bin/python3
"""Writes peer-cases.json: small chains and expected values from the test suites of R markovchain, deeptime and
QuantEcon.py (copied from their tests, sources below), plus values computed here with NumPy/SciPy where the peer's
test compares against its own closed form (deeptime's birth-death committor). Run: /usr/bin/python3 make_peer_cases.py
The C# tests read only the JSON; they never need Python.

Sources (read 2026-12):
  R markovchain  spedygiorgio/markovchain tests/testthat/testMeanMeasures.R, test-kemeny.R, testHittingProbabilities.R
  deeptime       deeptime-ml/deeptime tests/markov/tools/analysis/impl/dense/{mean_first_passage_time,hitting_probability,committor}_test.py
  QuantEcon.py   QuantEcon/QuantEcon.py quantecon/markov/tests/test_core.py (cyclic classes)
  PyDTMC         TommasoBelluzzo/PyDTMC tests/fixtures/fixtures_measures.json @ 5897199b (extracted to pydtmc-measures.json)
"""
import json
import numpy as np
import scipy.linalg

cases = []

# R markovchain: meanFirstPassageTime on known matrices (zero diagonal), Kemeny's constant.
scr = np.array([[6, 3, 1], [2, 3, 5], [4, 1, 5]]) / 10
cases.append({"source": "R markovchain testMeanMeasures.R (P)", "kind": "mfpt", "p": scr.tolist(),
              "expected": [[0, 15 / 4, 50 / 11], [10 / 3, 0, 30 / 11], [8 / 3, 5, 0]]})
poz = np.array([[2, 1, 1], [2, 0, 2], [1, 1, 2]]) / 4
cases.append({"source": "R markovchain testMeanMeasures.R (Poz)", "kind": "mfpt", "p": poz.tolist(),
              "expected": [[0, 4, 10 / 3], [8 / 3, 0, 8 / 3], [10 / 3, 4, 0]]})
cases.append({"source": "R markovchain test-kemeny.R (two states)", "kind": "kemeny", "p": [[0.7, 0.3], [0.1, 0.9]], "expected": 0.75 / 0.3})
cases.append({"source": "R markovchain test-kemeny.R (periodic)", "kind": "kemeny", "p": [[0, 1], [1, 0]], "expected": 0.5})
cases.append({"source": "R markovchain test-kemeny.R (one state)", "kind": "kemeny", "p": [[1]], "expected": 0.0})

# R markovchain: the documented 5-state chain absorbing at a and e (hittingProbabilities f(i, j) for i != j; the
# diagonal there is the return probability, a different convention, so it is null here), absorption and drunkard.
doc = np.zeros((5, 5)); doc[0, 0] = doc[4, 4] = 1; doc[1, 0] = doc[1, 2] = .5; doc[2, 1] = doc[2, 3] = .5; doc[3, 1] = doc[3, 4] = .5
f = [[1, 0, 0, 0, 0], [0.8, 0.375, 0.5, 1 / 3, 0.2], [0.6, 0.75, 0.375, 2 / 3, 0.4], [0.4, 0.5, 0.25, 1 / 6, 0.6], [0, 0, 0, 0, 1]]
for j in range(5):
    cases.append({"source": f"R markovchain testHittingProbabilities.R (column {j})", "kind": "hitting", "p": doc.tolist(), "target": [j],
                  "expected": [None if i == j else f[i][j] for i in range(5)]})
cases.append({"source": "R markovchain testMeanMeasures.R (mcHitting absorption)", "kind": "absorption", "p": doc.tolist(),
              "starts": [1, 2, 3], "expected": (np.array([[4, 1], [3, 2], [2, 3]]) / 5).tolist()})
drunk = np.zeros((5, 5)); drunk[0, 0] = drunk[4, 4] = 1
for i in range(1, 4):
    drunk[i, i - 1] = drunk[i, i + 1] = .5
cases.append({"source": "R markovchain testMeanMeasures.R (mcDrunkard meanAbsorptionTime)", "kind": "absorptionTime", "p": drunk.tolist(),
              "starts": [1, 2, 3], "expected": [3, 4, 3]})

# deeptime: 3x3 birth-death mfpt closed forms.
p1, p2, q2, q3 = 0.7, 0.5, 0.4, 0.6
bd = np.array([[1 - p1, p1, 0], [q2, 1 - q2 - p2, p2], [0, q3, 1 - q3]])
for target, m in [([0], [0, (p2 + q3) / (q2 * q3), (p2 + q2 + q3) / (q2 * q3)]), ([1], [1 / p1, 0, 1 / q3]),
                  ([2], [(p2 + p1 + q2) / (p1 * p2), (p1 + q2) / (p1 * p2), 0]), ([0, 1], [0, 0, 1 / q3]), ([1, 2], [1 / p1, 0, 0])]:
    cases.append({"source": f"deeptime mean_first_passage_time_test.py (target {target})", "kind": "hittingTime", "p": bd.tolist(), "target": target, "expected": m})

# deeptime hitting_probability_test.py (deeptime reports 0 on an absorbing target state; ours is 1 by definition, so
# target states are null here).
for name, P, target, sol in [
        ("hitting1", [[0., 1., 0.], [0., 1., 0.], [0., 0., 1.]], [1], [1, 0, 0]),
        ("hitting2", [[1.0, 0, 0, 0], [0.1, 0.8, 0.1, 0], [0, 0, 0.8, 0.2], [0, 0, 0.2, 0.8]], [2, 3], [0., 0.5, 1., 1.]),
        ("hitting3", [[0.9, 0.1, 0, 0, 0], [0.1, 0.9, 0, 0, 0], [0, 0.1, 0.4, 0.5, 0], [0, 0, 0, 0.8, 0.2], [0, 0, 0, 0.2, 0.8]], [3, 4], [0.0, 0.0, 0.833333333333333333, 1.0, 1.0])]:
    cases.append({"source": f"deeptime hitting_probability_test.py ({name})", "kind": "hitting", "p": P, "target": target,
                  "expected": [None if i in target else sol[i] for i in range(len(P))]})

# deeptime committor_test.py: birth-death chain with p[0:-1] = 0.5, q[1:] = 0.5, p[4] = 0.01, q[6] = 0.1, forward
# committor A = {0, 1}, B = {8, 9}. deeptime compares against its own closed form; the value here is a dense SciPy solve.
n = 10
p = np.zeros(n); q = np.zeros(n); p[0:-1] = 0.5; q[1:] = 0.5; p[4] = 0.01; q[6] = 0.1
P = np.zeros((n, n))
for i in range(n):
    if i > 0: P[i, i - 1] = q[i]
    if i < n - 1: P[i, i + 1] = p[i]
    P[i, i] = 1 - P[i].sum()
A, B = [0, 1], [8, 9]
free = [i for i in range(n) if i not in A + B]
M = np.eye(len(free)) - P[np.ix_(free, free)]
rhs = P[np.ix_(free, B)].sum(axis=1)
u = np.zeros(n); u[B] = 1; u[free] = scipy.linalg.solve(M, rhs)
cases.append({"source": "deeptime committor_test.py (birth-death, forward; expected by SciPy dense solve)", "kind": "committor", "p": P.tolist(),
              "avoid": A, "target": B, "expected": u.tolist()})

# QuantEcon.py test_core.py: cyclic classes (sorted by first state there; in cyclic order here, starting at the smallest state).
Q = np.zeros((6, 6)); Q[0, 1] = Q[1, 0] = 1; Q[2, [0, 3]] = .5; Q[3, 4] = Q[4, 5] = Q[5, 3] = 1
for name, P, expected in [
        ("[[0.4, 0.6], [0.2, 0.8]]", [[0.4, 0.6], [0.2, 0.8]], [[[0, 1]]]),
        ("[[0, 1], [1, 0]]", [[0, 1], [1, 0]], [[[0], [1]]]),
        ("3-cycle", [[0, 1, 0], [0, 0, 1], [1, 0, 0]], [[[0], [1], [2]]]),
        ("two recurrent classes, periods 2 and 3", Q.tolist(), [[[0], [1]], [[3], [4], [5]]])]:
    cases.append({"source": f"QuantEcon.py test_core.py ({name})", "kind": "cyclic", "p": P, "expected": expected})

json.dump(cases, open("peer-cases.json", "w"), indent=1)
print(len(cases), "cases")

# R markovchain testHittingProbabilities.R: the ill-conditioned 32-state chain (probabilities down to 1e-134, several
# absorbing states; a per-target LU once returned values outside [0, 1]). Edges parsed from the R test file, rows
# normalised as there.
import re, os
src = os.environ.get("R_HITTING_TEST", "/tmp/rhit.R")
if os.path.exists(src):
    text = open(src).read()
    states = re.search(r'states <- c\((.*?)\)\n', text).group(1)
    names = re.findall(r'"([^"]*)"', states)
    edges = re.findall(r'c\("([^"]*)", "([^"]*)", ([0-9.e+-]+)\)', text)
    index = {s: i for i, s in enumerate(names)}
    Pm = np.zeros((len(names), len(names)))
    for a, b, v in edges:
        Pm[index[a], index[b]] = float(v)
    Pm = Pm / Pm.sum(axis=1, keepdims=True)
    triplets = [[int(i), int(j), float(Pm[i, j])] for i, j in zip(*np.nonzero(Pm))]
    json.dump({"source": "R markovchain testHittingProbabilities.R (mcIllConditioned)", "states": names, "triplets": triplets},
              open("r-markovchain-ill-conditioned.json", "w"), indent=0)
    print(len(names), "states,", len(triplets), "entries")
