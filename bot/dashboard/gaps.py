"""Gaps: open needs and frequent questions that nothing in the directory answers well, grouped into topics.

A text's *best match* is its highest cosine against any evidence snippet of a directory item that could help
(every kind but needs), read from the catalog's own vectors in blocks, so no full float32 copy of a large
index is made. Texts below ``LOW_SCORE`` are gaps; their embeddings are clustered with k-means (scikit-learn,
weighted by how often a question was asked) and each topic is named by its most distinctive terms (TF-IDF),
shown with its most typical questions and needs and the items closest to its centre: the best providers we
have, even if not good enough. The analysis is cached per directory version and period for ``CACHE_SECONDS``.
An anonymous need is shown as posted by "an anonymous member", never by its author.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from matching.embeddings import Embedder
from matching.query import strip_request_frame
from matching.vecstore import take
from models.activity import Question
from models.directory import Need, Organization

LOW_SCORE = 0.5  # best-snippet cosine (all-MiniLM-L6-v2) under which a text counts as unanswered
MAX_QUESTIONS = 400
MAX_NEEDS = 400
MAX_TOPICS = 8
EXAMPLES = 3
PROVIDERS = 3
BLOCK_ROWS = 16384
CACHE_SECONDS = 600.0
ANONYMOUS = "an anonymous member"
#: Words of the request frame ("we need help with", "who can"), never a topic's name.
FRAME_WORDS = ("need", "needs", "help", "looking", "expertise", "researchers", "researcher", "working", "funding",
               "partner", "want", "wants", "find", "company", "companies", "does", "use", "new", "able", "support")


@dataclass(frozen=True)
class GapItem:
    text: str
    source: str  # question | need
    count: int  # times asked (1 for a need)
    best_score: float
    author: str = ""  # needs only: the organisation, or ANONYMOUS


@dataclass(frozen=True)
class Provider:
    ref: str
    title: str
    kind: str
    score: float


@dataclass
class Topic:
    label: str
    items: list[GapItem]
    examples: list[GapItem]
    providers: list[Provider]

    @property
    def asked(self) -> int:
        return sum(i.count for i in self.items if i.source == "question")

    @property
    def needs(self) -> int:
        return sum(1 for i in self.items if i.source == "need")

    @property
    def mean_score(self) -> float:
        return float(np.mean([i.best_score for i in self.items])) if self.items else 0.0


@dataclass
class Gaps:
    topics: list[Topic] = field(default_factory=list)
    questions: int = 0  # distinct frequent questions analysed
    needs: int = 0
    gaps: int = 0
    threshold: float = LOW_SCORE
    ready: bool = True  # False while the matching index is still building
    computed_at: float = 0.0


def _texts(session: Session, since: datetime | None) -> tuple[list[GapItem], list[GapItem]]:
    text = func.lower(func.trim(Question.text))
    stmt = select(text, func.count()).where(Question.intent == "search")
    if since is not None:
        stmt = stmt.where(Question.created_at >= since)
    stmt = stmt.group_by(text).order_by(func.count().desc(), text).limit(MAX_QUESTIONS)
    questions = [GapItem(str(t), "question", int(n), 0.0) for t, n in session.execute(stmt) if t]
    rows = session.execute(select(Need.title, Need.description, Need.anonymous, Organization.name)
                           .outerjoin(Organization, Organization.id == Need.organization_id)
                           .where(Need.status == "open").order_by(Need.id).limit(MAX_NEEDS))
    needs = [GapItem(f"{title}. {desc}".strip(" .") if desc else title, "need", 1, 0.0,
                     ANONYMOUS if anonymous else (org or "a member")) for title, desc, anonymous, org in rows]
    return questions, needs


def best_matches(vectors: Any, offsets: np.ndarray, helpful: np.ndarray, queries: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Per query: the best cosine over snippets of ``helpful`` items, and that item (-1 when none)."""
    m = queries.shape[0]
    best, item = np.full(m, -1.0, dtype=np.float32), np.full(m, -1, dtype=np.int64)
    owner = np.repeat(np.arange(offsets.size - 1), np.diff(offsets))
    for start in range(0, int(offsets[-1]), BLOCK_ROWS):
        rows = np.arange(start, min(int(offsets[-1]), start + BLOCK_ROWS))
        sims = take(vectors, rows) @ queries.T
        sims[~helpful[owner[rows]]] = -1.0
        top = sims.argmax(axis=0)
        value = sims[top, np.arange(m)]
        better = value > best
        best[better], item[better] = value[better], owner[rows[top[better]]]
    return best, item


def item_scores(vectors: Any, offsets: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """(items, queries): each item's best snippet cosine to each query."""
    n = offsets.size - 1
    out = np.full((n, queries.shape[0]), -1.0, dtype=np.float32)
    owner = np.repeat(np.arange(n), np.diff(offsets))
    for start in range(0, int(offsets[-1]), BLOCK_ROWS):
        rows = np.arange(start, min(int(offsets[-1]), start + BLOCK_ROWS))
        np.maximum.at(out, owner[rows], take(vectors, rows) @ queries.T)
    return out


def _label(texts: list[str], groups: np.ndarray, weights: np.ndarray, k: int) -> list[str]:
    """Each topic's name: its three most distinctive terms (TF-IDF weighted by how often each text was asked,
    against the mean of all gaps), so a topic is named by what sets it apart."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    try:
        tfidf = TfidfVectorizer(stop_words=sorted(ENGLISH_STOP_WORDS.union(FRAME_WORDS)), ngram_range=(1, 2),
                                sublinear_tf=True)
        matrix = tfidf.fit_transform(texts)
    except ValueError:  # only stop words
        return [f"Topic {g + 1}" for g in range(k)]
    terms = np.asarray(tfidf.get_feature_names_out())
    overall = np.asarray(matrix.T @ weights).ravel() / max(float(weights.sum()), 1e-9)
    labels = []
    for g in range(k):
        inside = groups == g
        mean = np.asarray(matrix[inside].T @ weights[inside]).ravel() / max(float(weights[inside].sum()), 1e-9)
        score = mean - 0.5 * overall
        picked: list[str] = []
        for j in np.argsort(-score)[:30]:
            if len(picked) == 3 or mean[j] <= 0:
                break
            term = str(terms[j])
            if not any(term in p or p in term for p in picked):
                picked.append(term)
        labels.append(", ".join(picked) or f"Topic {g + 1}")
    return labels


def analyse(session: Session, snapshot: Any, embedder: Embedder, *, since: datetime | None = None,
            threshold: float = LOW_SCORE, encode: Callable[[list[str]], np.ndarray] | None = None) -> Gaps:
    """The gap topics for questions asked since ``since`` and every open need."""
    from sklearn.cluster import KMeans

    questions, needs = _texts(session, since)
    items = questions + needs
    result = Gaps(questions=len(questions), needs=len(needs), threshold=threshold, computed_at=time.time())
    matcher = snapshot.matcher
    if not items or not snapshot.profiles:
        return result
    subjects = [strip_request_frame(i.text) if i.source == "question" else i.text for i in items]
    vectors = (encode or embedder.encode)(subjects).astype(np.float32)  # the subject, as the engine searches it
    kinds = np.asarray([p.kind for p in snapshot.profiles])
    helpful = kinds != "need"
    best, _ = best_matches(matcher.snippet_vectors_, np.asarray(matcher.offsets_), helpful, vectors)
    low = np.flatnonzero(best < threshold)
    result.gaps = int(low.size)
    if not low.size:
        return result
    gap_items = [GapItem(items[i].text, items[i].source, items[i].count, round(float(best[i]), 3), items[i].author)
                 for i in low]
    x = vectors[low]
    k = int(min(MAX_TOPICS, max(1, round(np.sqrt(low.size / 2))), low.size))
    weights = np.asarray([g.count for g in gap_items], dtype=np.float64)
    model = KMeans(n_clusters=k, n_init=4, random_state=0).fit(x, sample_weight=weights)
    groups = model.labels_
    centres = model.cluster_centers_.astype(np.float32)
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    labels = _label([subjects[i] for i in low], groups, weights, k)
    near = item_scores(matcher.snippet_vectors_, np.asarray(matcher.offsets_), centres)
    near[~helpful] = -1.0
    for g in range(k):
        members = np.flatnonzero(groups == g)
        if not members.size:
            continue
        typical: list[int] = []
        for i in members[np.argsort(-(x[members] @ centres[g]) * np.log1p(weights[members]))]:
            if len(typical) < EXAMPLES and subjects[low[i]].lower() not in {subjects[low[j]].lower() for j in typical}:
                typical.append(int(i))  # one wording of each subject
        providers: list[Provider] = []
        for j in np.argsort(-near[:, g])[:10 * PROVIDERS]:
            p = snapshot.profiles[j]
            if len(providers) < PROVIDERS and near[j, g] > -1.0 and p.title not in {q.title for q in providers}:
                providers.append(Provider(p.ref, p.title, p.kind, round(float(near[j, g]), 3)))
        result.topics.append(Topic(labels[g], [gap_items[i] for i in members], [gap_items[i] for i in typical],
                                   providers))
    result.topics.sort(key=lambda t: (-(t.asked + t.needs), t.label))
    return result


class GapCache:
    """``get(since)``: the analysis for the catalog's current version, recomputed at most every CACHE_SECONDS."""

    def __init__(self, sessions: sessionmaker[Session], catalog: Any, embedder: Embedder,
                 ttl: float = CACHE_SECONDS) -> None:
        self.sessions, self.catalog, self.embedder, self.ttl = sessions, catalog, embedder, ttl
        self._lock = threading.Lock()
        self._cache: dict[tuple[Any, ...], Gaps] = {}
        self._vectors: dict[str, np.ndarray] = {}

    def _encode(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            for t, v in zip(missing, self.embedder.encode(missing), strict=True):
                self._vectors[t] = np.asarray(v, dtype=np.float32)
            if len(self._vectors) > 20 * MAX_QUESTIONS:
                self._vectors = {t: self._vectors[t] for t in texts}
        return np.stack([self._vectors[t] for t in texts])

    def get(self, since: datetime | None, threshold: float = LOW_SCORE, *, build: bool = False) -> Gaps:
        """``build``: wait for a first index build (digests) instead of answering "not ready" (pages)."""
        if not build and not getattr(self.catalog, "ready", True):
            return Gaps(ready=False, threshold=threshold)
        snapshot = self.catalog.snapshot
        day = since.date().isoformat() if since else None
        key = (snapshot.version, day, threshold)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and time.time() - hit.computed_at < self.ttl:
                return hit
            with self.sessions() as session:
                gaps = analyse(session, snapshot, self.embedder, since=since, threshold=threshold,
                               encode=self._encode)
            self._cache = {k: v for k, v in self._cache.items() if k[0] == snapshot.version}
            self._cache[key] = gaps
            return gaps
