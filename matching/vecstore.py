"""Snippet vectors kept in half precision: half the memory, the same ranking.

A directory of 100,000 profiles has ~240,000 evidence snippets; as float32 their vectors take 370 MB, as
float16 185 MB, and a rebuild holds two copies for a moment. Rounding a unit vector's components to float16
moves a cosine by at most ~5e-5, far below the differences that order results, as long as the products
themselves are summed in float32. numpy has no fast float16 kernels (casting runs ~3 ns per element), so
``dot`` widens one cache-sized block at a time with torch's vectorised cast (torch is loaded with the
embedding model anyway) and multiplies it with numpy's float32 BLAS: within ~20 % of a plain float32 product.
"""

from __future__ import annotations

from typing import Any, overload

import numpy as np

__all__ = ["DTYPES", "RowView", "Vectors", "as_stored", "dot", "take"]

DTYPES = ("float16", "float32")
#: Elements per cast: torch runs an op on its thread pool from 32,768 elements (its ``GRAIN_SIZE``), and a
#: parallel region costs tens of milliseconds when the other core is busy; below that, one thread, no wait.
_GRAIN = 32_767
#: Rows widened and multiplied per step (many small steps keep the block in the L1/L2 cache).
_BLOCK = 1024


class RowView:
    """Rows ``rows`` of a larger stored matrix, read as one ``(len(rows), dim)`` matrix without copying it.

    A directory index keeps each distinct snippet vector once, in a matrix that later builds append to;
    each build sees its own snippets, in its own order, through one of these. ``dot`` multiplies the rows
    the view can reach once and gathers the results; indexing returns float32 copies of the selected rows.
    """

    def __init__(self, base: np.ndarray, rows: np.ndarray) -> None:
        self.base = base
        self.rows = np.asarray(rows, dtype=np.int64)
        self.extent = int(self.rows.max()) + 1 if self.rows.size else 0
        self.shape: tuple[int, int] = (int(self.rows.shape[0]), int(base.shape[1]))
        self.dtype = base.dtype

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, index: Any) -> np.ndarray:
        return take(self.base, self.rows[index])

    def view(self, start: int, stop: int) -> RowView:
        """Rows ``start:stop`` of this view, still without a copy."""
        return RowView(self.base, self.rows[start:stop])


#: What the matcher accepts and keeps as snippet vectors.
Vectors = np.ndarray | RowView


def _torch() -> Any:
    try:
        import torch
    except ImportError:  # pragma: no cover - torch ships with sentence-transformers
        return None
    return torch


@overload
def as_stored(vectors: RowView, dtype: str = ...) -> RowView: ...
@overload
def as_stored(vectors: np.ndarray, dtype: str = ...) -> np.ndarray: ...
def as_stored(vectors: Vectors, dtype: str = "float16") -> Vectors:
    """``vectors`` as a C-contiguous array of ``dtype`` (no copy when already so; a view over such an
    array is kept as it is)."""
    if dtype not in DTYPES:
        raise ValueError(f"vector dtype must be one of {DTYPES}; got {dtype!r}")
    if isinstance(vectors, RowView):
        if vectors.dtype != np.dtype(dtype):
            raise ValueError(f"a row view holds {vectors.dtype}, not the requested {dtype}")
        return vectors
    arr = np.asarray(vectors)
    if arr.dtype == np.float32 and dtype == "float16":
        out = np.empty(arr.shape, dtype=np.float16)
        _cast_into(out, arr)
        return out
    return np.ascontiguousarray(arr, dtype=np.dtype(dtype))


def take(stored: Vectors, rows: Any) -> np.ndarray:
    """Rows of ``stored`` as float32 (a gather of a few hundred rows: evidence, feedback, centroids)."""
    if isinstance(stored, RowView):
        return take(stored.base, stored.rows[rows])
    picked = stored[rows]
    if picked.dtype == np.float32:
        return picked
    out = np.empty(picked.shape, dtype=np.float32)
    _cast_into(out, np.ascontiguousarray(picked))
    return out


def dot(stored: Vectors, q: np.ndarray) -> np.ndarray:
    """``stored @ q`` in float32: ``q`` of shape ``(dim,)`` or ``(dim, m)``; float16 storage is widened
    block by block, so no full-size float32 copy ever exists."""
    if isinstance(stored, RowView):
        return dot(stored.base[: stored.extent], q)[stored.rows]
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
