"""Why one suggestion ranked where it did, for staff and ``ask --explain``: the learned ranker's largest feature
contributions, whether the question fell back to one channel's order, and what a member's own signals added.

Members never see this: their reason stays the evidence sentence. The text is plain (names are member text);
adapters escape it for their markup.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from bot.core import texts
from bot.core.ask.feedback import ActivityRepository
from bot.core.directory import intents
from bot.core.directory.ranking import load_configured_ranker
from bot.core.messages import Reply, Why
from models.activity import Question

logger = logging.getLogger(__name__)

__all__ = ["Why", "why_text", "explain_last", "TOP"]

#: Contributions shown per model.
TOP = 5

#: Plain words for the features staff read most often (others are shown by their name).
LABELS = {
    "lexical_share": "shared words (BM25)", "lexical_rank": "rank by shared words", "dense": "meaning (best passage)",
    "dense_gap": "meaning, gap to the best", "dense_rank": "rank by meaning", "fused": "formula score",
    "fused_rank": "formula rank", "coverage": "question words covered", "title": "question names it",
    "reciprocity": "they need what you offer", "base_rank": "rank before your signals",
    "liked_similarity": "like what you saved", "dismissed_similarity": "like what you dismissed",
    "kind_liked": "a kind you act on", "kind_dismissed": "a kind you dismiss",
    "province_liked": "a province you act on",
    "passed_by": "shown before, left",
}



def _parts(parts: list[tuple[str, float]], top: int) -> str:
    return ", ".join(f"{LABELS.get(name, name)} {value:+.2f}" for name, value in parts[:top])


def why_text(why: Why, top: int = TOP) -> str:
    """Plain text, one line per model."""
    lines = [texts.WHY_HEADER.format(name=why.name, ref=why.ref)]
    if why.fallback is not None:
        lines.append(texts.WHY_FALLBACK.format(channel=why.fallback.replace("_", " ")))
    lines.append(texts.WHY_RANKER.format(parts=_parts(why.ranker, top)) if why.ranker else texts.WHY_NO_RANKER)
    if why.personal:
        lines.append(texts.WHY_PERSONAL.format(version=why.personal_version, parts=_parts(why.personal, top)))
    return "\n".join(lines)


def explain_last(ask: Any, platform: str, workspace_id: str, user_id: str, arg: str, *, staff: bool) -> Reply:
    """Staff's ``why <number or ref>``: explains a suggestion of their own last answer, with the signals that
    personalised it. ``staff`` is the adapter's check (Slack user group, Teams flag); the directory's flag
    counts too. Everyone else gets a refusal and nothing is computed."""
    with ask.sessions() as s:
        asker = ActivityRepository(s).identify(platform, workspace_id, user_id)
        if not (staff or asker.is_staff):
            logger.info("refused why for %s:%s:%s", platform, workspace_id, user_id)
            return Reply(text=texts.WHY_STAFF_ONLY)
        last = s.scalars(select(Question).where(
            Question.platform == platform, Question.workspace_id == workspace_id, Question.user_id == user_id,
            Question.intent == intents.SEARCH).order_by(Question.created_at.desc(), Question.id.desc())).first()
        question, shown = (last.text, list(last.result_refs)) if last is not None else ("", [])
    wanted = arg.strip()
    if not wanted:
        return Reply(text=texts.WHY_USAGE)
    if last is None:
        return Reply(text=texts.WHY_NO_ANSWER)
    ref = shown[int(wanted) - 1] if wanted.isdigit() and 0 < int(wanted) <= len(shown) else wanted
    if ref not in shown:
        return Reply(text=texts.WHY_NOT_SHOWN.format(ref=wanted, count=len(shown)))
    personal = ask.personal_of(asker)
    catalog = ask.catalog
    why = catalog.explain(question, [ref], catalog.ranker or load_configured_ranker("learned"), personal).get(ref)
    if why is None:
        return Reply(text=texts.WHY_NOT_SHOWN.format(ref=wanted, count=len(shown)))
    logger.info("why %s for %s:%s:%s", ref, platform, workspace_id, user_id)
    return Reply(text=why_text(why), ephemeral=True)
