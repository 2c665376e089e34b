"""Request authorization without ``auth.test``: the token and bot identity come from config or our database.

Bolt's defaults call ``auth.test`` on start (single token) or on every request (installation store, no
cache). Both are avoidable: one workspace knows its token; an installation row already holds the bot's ids.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_sdk.oauth.installation_store import InstallationStore

logger = logging.getLogger(__name__)

#: Context key where the payload check leaves the bot user id Slack sent in ``authorizations``.
BOT_USER_KEY = "clustermatch_bot_user_id"


def single_workspace_authorize(bot_token: str) -> Callable[..., AuthorizeResult]:
    """Authorize every request with ``SLACK_BOT_TOKEN``.

    The bot's user id comes from the event's ``authorizations`` when Slack sends it (used to strip the bot's
    own mention); the bot's own posts are recognised by their ``bot_id`` in the listeners.
    """

    def authorize(enterprise_id: str | None, team_id: str | None, context: Any) -> AuthorizeResult:
        return AuthorizeResult(
            enterprise_id=enterprise_id, team_id=team_id, bot_token=bot_token, bot_user_id=context.get(BOT_USER_KEY)
        )

    return authorize


class StoredBotAuthorize(Authorize):
    """Multi-workspace: the bot token and ids of the workspace's installation, from our database."""

    def __init__(self, store: InstallationStore) -> None:
        super().__init__()
        self.store = store

    def __call__(
        self,
        *,
        context: Any,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **_: Any,
    ) -> AuthorizeResult | None:
        is_org = bool(context.get("is_enterprise_install"))
        bot = self.store.find_bot(enterprise_id=enterprise_id, team_id=None if is_org else team_id,
                                  is_enterprise_install=is_org)
        if bot is None or not bot.bot_token:
            logger.warning("no installation for enterprise %s team %s: request not authorized", enterprise_id, team_id)
            return None
        return AuthorizeResult(
            enterprise_id=bot.enterprise_id or enterprise_id,
            team_id=bot.team_id or team_id,
            bot_token=bot.bot_token,
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_scopes=bot.bot_scopes,
            user_id=user_id,
        )
