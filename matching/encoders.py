"""The embedding runtimes behind ``EMBED_BACKEND``: torch (fp32 or dynamic int8), ONNX Runtime, OpenVINO.

Every runtime computes the same all-MiniLM-L6-v2 vectors from the same checked weights, but their vectors
differ in the last decimals (more under int8), so each has its own ``model_id``: the embedding cache and
every index key on it, and vectors of two runtimes never meet. An exported runtime that cannot be had (its
export is corrupt and cannot be rebuilt, its library is missing) falls back to torch with a warning,
*before* its ``model_id`` is first read, so nothing is ever encoded under the wrong id.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from matching.embeddings import (
    MODEL_ID,
    MODEL_SHA256,
    Embedder,
    SentenceTransformerEmbedder,
    default_model_path,
    verify_model_files,
)
from matching.runtimes import EXPORTED, INPUTS, MODEL_FILE, ExportIntegrityError, RuntimeUnavailable, ensure_export

logger = logging.getLogger(__name__)

BACKENDS = ("torch", "torch-int8", *EXPORTED)
#: Folder of the exports under ``DATA_DIR`` (one sub-folder per backend).
EXPORT_FOLDER = Path("encoders") / "all-minilm-l6-v2-1110a243"
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
#: Word pieces per runtime call: ~16 evidence windows or ~128 short sentences. Texts are sorted by length
#: first, so a batch pads to its own longest text, not to the longest of the whole call.
BATCH_TOKENS = 4096
BATCH_TEXTS = 128


def runtime_model_id(backend: str) -> str:
    """The vector-space id of ``backend``: torch fp32 keeps the plain model id (existing caches stay valid)."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown embedding backend {backend!r}; expected one of {', '.join(BACKENDS)}")
    return MODEL_ID if backend == "torch" else f"{MODEL_ID}+{backend}"


def length_batches(lengths: Sequence[int], *, tokens: int = BATCH_TOKENS, texts: int = BATCH_TEXTS) -> list[np.ndarray]:
    """Positions grouped into batches of similar length, each padded size (count x longest) within ``tokens``."""
    order = np.argsort(np.asarray(lengths), kind="stable")
    batches: list[np.ndarray] = []
    start = 0
    while start < order.size:
        stop = start + 1
        while stop < order.size and stop - start < texts and (stop - start + 1) * lengths[order[stop]] <= tokens:
            stop += 1
        batches.append(order[start:stop])
        start = stop
    return batches


class ExportedEmbedder:
    """all-MiniLM-L6-v2 on ONNX Runtime or OpenVINO, from a checked export under ``folder`` (built if needed)."""

    dim = 384

    def __init__(
        self,
        backend: str,
        folder: Path,
        model_path: Path | str | None = None,
        *,
        verify: bool = True,
        threads: int = 0,
        build: bool = True,
    ) -> None:
        if backend not in EXPORTED:
            raise ValueError(f"{backend!r} is not an exported backend ({', '.join(EXPORTED)})")
        if threads < 0:
            raise ValueError(f"threads must be 0 (the runtime's default) or more, got {threads}")
        self.requested = backend
        self.folder = Path(folder)
        self.path = Path(model_path) if model_path else None
        self.verify, self.threads, self.build = verify, threads, build
        self.fallback: SentenceTransformerEmbedder | None = None
        self.fallback_reason = ""
        self._run: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    # -- the runtime actually in use ---------------------------------------------------------------
    @property
    def backend(self) -> str:
        self._load()
        return "torch" if self.fallback is not None else self.requested

    @property
    def model_id(self) -> str:
        self._load()
        return self.fallback.model_id if self.fallback is not None else runtime_model_id(self.requested)

    @property
    def loaded(self) -> bool:
        return self._run is not None or (self.fallback is not None and self.fallback.loaded)

    def warm_up(self) -> None:
        self._load()
        if self.fallback is not None:
            self.fallback.warm_up()

    def _load(self) -> None:
        if self._run is not None or self.fallback is not None:
            return
        with self._lock:
            if self._run is not None or self.fallback is not None:
                return
            path = self.path or default_model_path()
            if self.verify:
                verify_model_files(path)  # bad source weights are refused by every backend, never fallen back from
            from matching.runtimes import sha256_file

            source = MODEL_SHA256["model.safetensors"] if self.verify else sha256_file(path / "model.safetensors")
            try:
                folder = ensure_export(path, self.requested, self.folder, source, build=self.build)
                run = _session(self.requested, folder / MODEL_FILE[self.requested], self.threads)
                from transformers import AutoTokenizer

                self._tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
                self._run = run
                logger.info("embedding with %s from %s", self.requested, folder)
            except (ExportIntegrityError, RuntimeUnavailable, OSError, RuntimeError) as exc:
                self.fallback_reason = f"{type(exc).__name__}: {exc}"
                logger.warning("EMBED_BACKEND=%s unavailable (%s): falling back to torch", self.requested,
                               self.fallback_reason)
                self.fallback = SentenceTransformerEmbedder(path, verify=False, threads=self.threads)

    # -- encoding -------------------------------------------------------------------------------------
    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        self._load()
        if self.fallback is not None:
            return self.fallback.encode(texts)
        ids = self._tokenizer(list(texts), truncation=True, max_length=MAX_TOKENS)["input_ids"]
        out = np.empty((len(ids), self.dim), dtype=np.float32)
        for batch in length_batches([len(i) for i in ids]) if len(ids) > 1 else [np.zeros(1, dtype=np.int64)]:
            width = max(len(ids[j]) for j in batch)
            input_ids = np.zeros((batch.size, width), dtype=np.int64)
            mask = np.zeros((batch.size, width), dtype=np.int64)
            for row, j in enumerate(batch):
                input_ids[row, : len(ids[j])] = ids[j]
                mask[row, : len(ids[j])] = 1
            out[batch] = self._run(input_ids, mask, np.zeros_like(input_ids))
        return out


def _session(backend: str, file: Path, threads: int) -> Any:
    """A callable ``(input_ids, attention_mask, token_type_ids) -> (n, 384) float32`` on ``backend``."""
    if backend.startswith("onnx"):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        session = ort.InferenceSession(str(file), options, providers=["CPUExecutionProvider"])

        def run_onnx(*arrays: np.ndarray) -> np.ndarray:
            return np.asarray(session.run(None, dict(zip(INPUTS, arrays, strict=True)))[0], dtype=np.float32)

        return run_onnx
    import openvino as ov

    config: dict[str, Any] = {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_PRECISION_HINT": "f32"}
    if threads:
        config["INFERENCE_NUM_THREADS"] = threads
    compiled = ov.Core().compile_model(str(file), "CPU", config)
    local = threading.local()  # an infer request serves one call at a time: one per thread

    def run_openvino(*arrays: np.ndarray) -> np.ndarray:
        request = getattr(local, "request", None)
        if request is None:
            request = local.request = compiled.create_infer_request()
        result = request.infer(dict(zip(INPUTS, arrays, strict=True)))
        return np.array(result[compiled.output(0)], dtype=np.float32)

    return run_openvino


def make_embedder(
    backend: str = "torch",
    model_path: Path | str | None = None,
    *,
    verify: bool = True,
    threads: int = 0,
    data_dir: Path | None = None,
    build: bool = True,
) -> Embedder:
    """The embedder ``EMBED_BACKEND`` asks for; exports live under ``data_dir / EXPORT_FOLDER``."""
    runtime_model_id(backend)  # validates the name
    if backend in ("torch", "torch-int8"):
        return SentenceTransformerEmbedder(model_path, verify=verify, threads=threads, int8=backend == "torch-int8")
    if data_dir is None:
        raise ValueError(f"EMBED_BACKEND={backend} needs a data folder for its exported model")
    return ExportedEmbedder(backend, data_dir / EXPORT_FOLDER / backend, model_path, verify=verify, threads=threads,
                            build=build)
