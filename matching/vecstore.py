"""Snippet vectors kept in half precision: half the memory, the same ranking.

A directory of 100,000 profiles has ~240,000 evidence snippets; as float32 their vectors take 370 MB, as
float16 185 MB, and a rebuild holds two copies for a moment. Rounding a unit vector's components to float16
moves a cosine by at most ~5e-5, far below the differences that order results, as long as the products
themselves are summed in float32. numpy has no fast float16 kernels (casting runs ~3 ns per element), so
``dot`` widens one cache-sized block at a time with torch's vectorised cast (torch is loaded with the
embedding model anyway) and multiplies it with numpy's float32 BLAS: within ~20 % of a plain float32 product.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["DTYPES", "as_stored", "dot", "take"]

DTYPES = ("float16", "float32")
#: Elements per cast: torch runs an op on its thread pool from 32,768 elements (its ``GRAIN_SIZE``), and a
#: parallel region costs tens of milliseconds when the other core is busy; below that, one thread, no wait.
_GRAIN = 32_767
#: Rows widened and multiplied per step (many small steps keep the block in the L1/L2 cache).
_BLOCK = 1024


def _torch() -> Any:
    try:
        import torch
    except ImportError:  # pragma: no cover - torch ships with sentence-transformers
        return None
    return torch


def as_stored(vectors: np.ndarray, dtype: str = "float16") -> np.ndarray:
    """``vectors`` as a C-contiguous array of ``dtype`` (no copy when already so)."""
    if dtype not in DTYPES:
        raise ValueError(f"vector dtype must be one of {DTYPES}; got {dtype!r}")
    arr = np.asarray(vectors)
    if arr.dtype == np.float32 and dtype == "float16":
        out = np.empty(arr.shape, dtype=np.float16)
        _cast_into(out, arr)
        return out
    return np.ascontiguousarray(arr, dtype=np.dtype(dtype))


def take(stored: np.ndarray, rows: Any) -> np.ndarray:
    """Rows of ``stored`` as float32 (a gather of a few hundred rows: evidence, feedback, centroids)."""
    picked = stored[rows]
    if picked.dtype == np.float32:
        return picked
    out = np.empty(picked.shape, dtype=np.float32)
    _cast_into(out, np.ascontiguousarray(picked))
    return out


def dot(stored: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``stored @ q`` in float32: ``q`` of shape ``(dim,)`` or ``(dim, m)``; float16 storage is widened
    block by block, so no full-size float32 copy ever exists."""
    q = np.ascontiguousarray(q, dtype=np.float32)
    if stored.dtype == np.float32:
        return np.asarray(stored @ q, dtype=np.float32)
    n = stored.shape[0]
    out = np.empty((n, *q.shape[1:]), dtype=np.float32)
    buf = np.empty((min(_BLOCK, max(n, 1)), stored.shape[1]), dtype=np.float32)
    for start in range(0, n, _BLOCK):
        stop = min(start + _BLOCK, n)
        block = buf[: stop - start]
        _cast_into(block, stored[start:stop])
        np.dot(block, q, out=out[start:stop])
    return out


def _cast_into(out: np.ndarray, src: np.ndarray) -> None:
    """``out[...] = src`` between float16 and float32, with torch's vectorised cast when available, in
    pieces small enough to stay on the calling thread."""
    torch = _torch()
    if torch is None or src.size == 0:
        out[...] = src
        return
    dst, source = torch.from_numpy(out), torch.from_numpy(np.ascontiguousarray(src))
    if dst.ndim < 2:
        dst.copy_(source)
        return
    step = max(1, _GRAIN // max(1, int(np.prod(out.shape[1:]))))
    for start in range(0, out.shape[0], step):
        dst[start : start + step].copy_(source[start : start + step])
