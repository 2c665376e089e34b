"""A change of EMBED_BACKEND: the cached runtime answers while the new one re-encodes, then they swap whole."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.core.directory.catalog import Catalog
from bot.core.directory.encoder_switch import ActiveEmbedder, EncoderSwitch, cached_counts
from matching.embeddings import HashingEmbedder
from matching.encoders import runtime_model_id
from tests.unit.core.conftest import CountingEmbedder

WELDING = "we need help automating TIG welding of aluminium battery trays"
TORCH, ONNX = runtime_model_id("torch"), runtime_model_id("onnx")


class Runtime:
    """A hashing embedder under a runtime's model id; ``gate`` holds directory-sized encodes back."""

    def __init__(self, model_id: str, shift: float = 0.0, gate: threading.Event | None = None) -> None:
        self.inner, self.model_id, self.dim = HashingEmbedder(), model_id, 512
        self.shift, self.gate = shift, gate
        self.questions: list[str] = []
        self.bulk = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 1:
            self.questions.append(texts[0])
        else:
            if self.gate is not None:
                assert self.gate.wait(10), "the test never opened the gate"
            self.bulk += len(texts)
        v = self.inner.encode(texts) + self.shift
        return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def test_the_previous_runtime_answers_until_the_new_one_has_encoded_everything(
    seeded: sessionmaker[Session],
) -> None:
    old = Runtime(TORCH)
    Catalog(seeded, old).warm_up()  # yesterday's bot: the cache holds torch's vectors
    assert set(cached_counts(seeded)) == {TORCH}
    gate = threading.Event()
    new = Runtime(ONNX, shift=0.02, gate=gate)
    previous = Runtime(TORCH)
    switch = EncoderSwitch(seeded, new, lambda backend: previous if backend == "torch" else new)
    catalog = Catalog(seeded, new, switch=switch)
    active = ActiveEmbedder(catalog)

    catalog.warm_up()  # answers straight away, from torch's cached vectors
    assert catalog.snapshot.vectors.model_id == TORCH and catalog.embedder is previous
    assert previous.bulk == 0 and active.model_id == TORCH
    found = catalog.search(WELDING, k=5)
    assert "org:weldtech" in [s.ref for s in found]
    assert previous.questions and not new.questions  # encoded by the runtime of the index it searched
    assert not switch.done.is_set()

    gate.set()
    assert switch.wait(10)
    assert catalog.embedder is new and catalog.snapshot.vectors.model_id == ONNX and active.model_id == ONNX
    assert new.bulk == catalog.snapshot.vectors.unique_keys.size  # every distinct text once, in the background
    assert cached_counts(seeded) == {TORCH: new.bulk, ONNX: new.bulk}
    asked = len(previous.questions)
    assert "org:weldtech" in [s.ref for s in catalog.search(WELDING, k=5)]
    assert len(previous.questions) == asked and new.questions  # questions now go to the new runtime


@pytest.mark.parametrize("cached", ["nothing", "the target's"])
def test_no_switch_without_another_runtimes_vectors(seeded: sessionmaker[Session], cached: str) -> None:
    target = CountingEmbedder(Runtime(ONNX))
    if cached == "the target's":
        Catalog(seeded, Runtime(ONNX)).warm_up()

    def never(backend: str) -> Runtime:
        raise AssertionError(f"no other runtime should be built, asked for {backend}")

    switch = EncoderSwitch(seeded, target, never)
    catalog = Catalog(seeded, target, switch=switch)
    catalog.warm_up()
    assert switch.done.is_set() and switch.thread is None and catalog.embedder is target
    assert catalog.snapshot.vectors.model_id == ONNX
    assert (target.texts_encoded > 0) == (cached == "nothing")


def test_an_unavailable_previous_runtime_means_encoding_with_the_target(seeded: sessionmaker[Session]) -> None:
    Catalog(seeded, Runtime(runtime_model_id("openvino"))).warm_up()
    target = Runtime(ONNX)
    fell_back = Runtime(TORCH)  # asked for openvino, got torch (its export is gone and cannot be rebuilt)
    switch = EncoderSwitch(seeded, target, lambda backend: fell_back)
    catalog = Catalog(seeded, target, switch=switch)
    catalog.warm_up()
    assert catalog.embedder is target and catalog.snapshot.vectors.model_id == ONNX and target.bulk > 0


def test_bootstrap_wires_the_switch_for_a_runtime_from_the_settings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.bootstrap import bootstrap
    from bot.config import Settings
    from matching.encoders import ExportedEmbedder
    from models.db import make_engine

    settings = Settings(data_dir=tmp_path, embed_backend="onnx")
    container = bootstrap(settings, engine=make_engine("sqlite://"))
    assert isinstance(container.embedder, ActiveEmbedder) and container.catalog.switch is container.encoder_switch
    assert isinstance(container.encoder_switch.target, ExportedEmbedder)
    assert not container.embedder.loaded  # nothing loaded or exported at bootstrap
    injected = bootstrap(settings, engine=make_engine("sqlite://"), embedder=HashingEmbedder())
    assert isinstance(injected.embedder, HashingEmbedder) and injected.catalog.switch is None
