"""Drawing from the seeded generators: weighted choices and GUIDs, vectorised over whole blocks."""
from __future__ import annotations

import numpy as np
import pyarrow as pa


def _guid_strings(raw: np.ndarray) -> pa.Array:
    """Version-4 GUID strings from 16 bytes per row, built without a Python loop per row."""
    n = len(raw)
    raw = raw.copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    digits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    hexed = np.empty((n, 32), dtype=np.uint8)
    hexed[:, 0::2] = digits[raw >> 4]
    hexed[:, 1::2] = digits[raw & 0x0F]
    text = np.full((n, 36), ord("-"), dtype=np.uint8)
    for (a, b), (c, d) in zip(((0, 8), (9, 13), (14, 18), (19, 23), (24, 36)),
                              ((0, 8), (8, 12), (12, 16), (16, 20), (20, 32)), strict=False):
        text[:, a:b] = hexed[:, c:d]
    offsets = np.arange(0, 36 * (n + 1), 36, dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(text.tobytes())])


def guids(rng: np.random.Generator, n: int) -> pa.Array:
    return _guid_strings(rng.integers(0, 256, size=(n, 16), dtype=np.uint8))


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64: a fast, well-spread 64-bit hash of 64-bit keys."""
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def job_guids(seed: int, vm: np.ndarray, date: np.ndarray, slot: np.ndarray) -> pa.Array:
    """The id of a job from what identifies it: the seed, the VM, the date and the kind of job (there is at
    most one of each kind per VM and day). Generating the sample again later therefore updates the jobs it
    already wrote instead of adding copies."""
    key = (vm.astype(np.uint64) * np.uint64(1 << 22) + date.astype(np.uint64)) * np.uint64(16) + slot.astype(np.uint64)
    salt = _mix(np.array([seed], dtype=np.uint64))
    high = _mix(key ^ salt)
    low = _mix(key ^ _mix(salt))
    return _guid_strings(np.stack([high, low], axis=1).view(np.uint8).reshape(len(key), 16))


def choice(rng: np.random.Generator, weights: np.ndarray | list[float], size: int) -> np.ndarray:
    """`size` indices drawn with the given weights (normalised here)."""
    w = np.asarray(weights, dtype=float)
    cdf = np.cumsum(w / w.sum())
    return np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), len(w) - 1)
