#!/usr/bin/python3
"""Writes the .npy fixtures used by TabularModelTests (run with a Python that has NumPy:
/usr/bin/python3 make_npy_fixtures.py, from this directory). The tests never run Python.

Valid fixtures (rows in the state order of paper-spec 1.6, |V_K^*| rows, T columns):
  t2k3_f64_c.npy        float64, C order,       shape (14, 2), a[i, j] = (2 i + j) / 2 - 3.25
  t2k3_f32_c.npy        float32, C order,       same values (exactly representable)
  t2k3_f64_be.npy       big-endian float64 '>f8', same values
  t2k3_f64_v2.npy       float64, format version 2.0, same values
  t3k3_f64_c.npy        float64, C order,       shape (39, 3), a[i, j] = (3 i + j) / 8 - 7
  t3k3_f32_fortran.npy  float32, Fortran order, same values as t3k3_f64_c
  t3k3_f64_fortran.npy  float64, Fortran order, same values
Invalid fixtures:
  bad_rows_15x2.npy     float64 (15, 2): 15 is |V_K^*| for no K with T = 2
  bad_dtype_int64.npy   int64 (14, 2)
  bad_one_dim.npy       float64 (28,)
  bad_truncated.npy     t2k3_f64_c.npy without its last 8 bytes
  bad_magic.npy         t2k3_f64_c.npy with the first byte 0x93 replaced by 0x94
"""
import numpy as np

t2 = (np.arange(28, dtype=np.float64).reshape(14, 2)) / 2.0 - 3.25
t3 = (np.arange(117, dtype=np.float64).reshape(39, 3)) / 8.0 - 7.0

np.save("t2k3_f64_c.npy", t2)
np.save("t2k3_f32_c.npy", t2.astype(np.float32))
np.save("t2k3_f64_be.npy", t2.astype(">f8"))
with open("t2k3_f64_v2.npy", "wb") as f:
    np.lib.format.write_array(f, t2, version=(2, 0))
np.save("t3k3_f64_c.npy", t3)
np.save("t3k3_f32_fortran.npy", np.asfortranarray(t3.astype(np.float32)))
np.save("t3k3_f64_fortran.npy", np.asfortranarray(t3))

np.save("bad_rows_15x2.npy", np.zeros((15, 2)))
np.save("bad_dtype_int64.npy", np.arange(28, dtype=np.int64).reshape(14, 2))
np.save("bad_one_dim.npy", np.zeros(28))
with open("t2k3_f64_c.npy", "rb") as f:
    data = f.read()
with open("bad_truncated.npy", "wb") as f:
    f.write(data[:-8])
with open("bad_magic.npy", "wb") as f:
    f.write(b"\x94" + data[1:])

# self-checks: the valid files read back as written, the Fortran ones really are Fortran-ordered
for name, expected in [("t2k3_f64_c.npy", t2), ("t2k3_f32_c.npy", t2), ("t2k3_f64_be.npy", t2),
                       ("t2k3_f64_v2.npy", t2), ("t3k3_f64_c.npy", t3), ("t3k3_f32_fortran.npy", t3),
                       ("t3k3_f64_fortran.npy", t3)]:
    a = np.load(name)
    assert a.shape == expected.shape and np.array_equal(a.astype(np.float64), expected), name
assert np.load("t3k3_f32_fortran.npy").flags.f_contiguous
assert np.load("t2k3_f64_be.npy").dtype.byteorder == ">"
with open("t3k3_f64_fortran.npy", "rb") as f:
    assert b"'fortran_order': True" in f.read(128)
with open("t2k3_f64_v2.npy", "rb") as f:
    assert f.read(8)[6] == 2
print("fixtures written")
