#!/usr/bin/env python3
"""Writes the .npy fixtures of tests/client/npy_test.cc with numpy.

Run from this folder: /usr/bin/python3 make_fixtures.py (numpy 1.24 wrote
the checked-in files). The expected values are spelled out in npy_test.cc.
"""
import numpy as np

FIXTURES = {
    "f4_2x3": np.arange(6, dtype="<f4").reshape(2, 3) * 0.5 - 1,
    "f8_scalar": np.array(3.25, dtype="<f8"),
    "i4_3": np.array([1, -2, 2147483647], dtype="<i4"),
    "i8_2x2": np.array([[1, -1], [2**40, -2**62]], dtype="<i8"),
    "b1_4": np.array([True, False, False, True]),
    "c8_2": np.array([1 + 2j, -0.5 - 4j], dtype="<c8"),
    "f4_0x3": np.zeros((0, 3), dtype="<f4"),
    "fortran_i4_2x3x4": np.asfortranarray(
        np.arange(24, dtype="<i4").reshape(2, 3, 4)),
    "fortran_f8_2x3": np.asfortranarray(
        np.arange(6, dtype="<f8").reshape(2, 3)),
    "be_i4_2x3": np.arange(6, dtype=">i4").reshape(2, 3),
    "be_i8_2": np.array([1, -2**40], dtype=">i8"),
    "be_f4_2": np.array([1.5, -2], dtype=">f4"),
    "be_f8_3": np.array([1.5, -2, 1e300], dtype=">f8"),
    "be_c8_2": np.array([1 + 2j, 3 - 4j], dtype=">c8"),
    "be_fortran_f4_2x3": np.asfortranarray(
        np.arange(6, dtype=">f4").reshape(2, 3)),
}
VERSIONED = {
    "v2_f4_3": ((2, 0), np.array([1, 2, 3], dtype="<f4")),
    "v3_i8_3": ((3, 0), np.array([4, 5, 6], dtype="<i8")),
}

for name, array in FIXTURES.items():
    np.save(name + ".npy", array)
for name, (version, array) in VERSIONED.items():
    with open(name + ".npy", "wb") as f:
        np.lib.format.write_array(f, array, version=version)
