"""The one error path of the Slack adapter: log, then tell the member something useful and fixed.

``UserFacingError`` text from the core is shown as is; anything else is a bug: logged with its traceback,
and the member sees ``FRIENDLY_ERROR`` (never the exception text). ``on_error`` is the app's ``@app.error``;
``guarded`` routes work done after the ack (which Bolt runs outside its error handler) through the same
function, and claims Events API deliveries in the event ledger first, so a retried event runs once;
``deferred`` builds the usual listener: ack, then the guarded work on the worker pool.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import BoltResponse
from slack_bolt.kwargs_injection.args import Args
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.core.errors import UserFacingError
from bot.slack.dedupe import claim_event
from bot.slack.texts import FRIENDLY_ERROR

logger = logging.getLogger(__name__)


def member_message(error: BaseException) -> str:
    return error.message if isinstance(error, UserFacingError) else FRIENDLY_ERROR


def report_error(error: BaseException, body: Mapping[str, Any] | None, client: WebClient | None) -> None:
    """Log ``error`` and show the member a short message where they will see it."""
    body = body or {}
    if isinstance(error, UserFacingError):
        logger.info("user-facing error: %s", error.message)
    else:
        logger.error("unexpected error handling a %s payload", _kind(body), exc_info=error)
    try:
        _tell_member(member_message(error), body, client)
    except Exception:  # the member could not be told: the log above is what is left
        logger.exception("could not send the error message to the member")


def _kind(body: Mapping[str, Any]) -> str:
    if "command" in body:
        return f"command {body.get('command')}"
    event = body.get("event")
    if isinstance(event, Mapping):
        return f"event {event.get('type')}"
    return str(body.get("type") or "unknown")


def _tell_member(text: str, body: Mapping[str, Any], client: WebClient | None) -> None:
    response_url = body.get("response_url")
    if response_url:
        WebhookClient(str(response_url)).send(text=text, response_type="ephemeral", replace_original=False)
        return
    if client is None:
        return
    event = body.get("event")
    if isinstance(event, Mapping) and event.get("channel") and event.get("type") in ("app_mention", "message"):
        thread = event.get("thread_ts") or (event.get("ts") if event.get("type") == "app_mention" else None)
        client.chat_postMessage(channel=event["channel"], thread_ts=thread, text=text)
        return
    user = body.get("user")
    user_id = user.get("id") if isinstance(user, Mapping) else None
    if user_id and body.get("type") in ("block_actions", "view_submission", "shortcut", "message_action"):
        client.chat_postMessage(channel=user_id, text=text)  # the app's Messages tab (a DM with the bot)


def on_error(error: Exception, body: dict[str, Any], client: WebClient) -> BoltResponse:
    """``@app.error``: errors in middleware and ack functions. The member was told, so Slack gets a 200."""
    report_error(error, body, client)
    return BoltResponse(status=200, body="")


def guarded(func: Callable[..., Any]) -> Callable[[Args], None]:
    """Wrap a lazy listener: duplicate event deliveries run nothing (``claim_event``), and exceptions take the
    same path as ``@app.error`` (Bolt would only log them)."""
    names = inspect.getfullargspec(func).args

    def run(args: Args) -> None:
        kwargs = {name: getattr(args, name) if hasattr(args, name) else args.context.get(name) for name in names}
        services = args.context.get("services")
        try:
            if services is not None and not claim_event(services.ledger, args.body, args.request.headers):
                return
            func(**kwargs)
        except Exception as e:
            report_error(e, args.body, args.client)

    run.__name__ = func.__name__
    run.__qualname__ = func.__qualname__
    run.__doc__ = func.__doc__
    return run


def deferred(work: Callable[..., Any], *, first: Callable[[Args], None] | None = None) -> Callable[[Args], None]:
    """A listener that acks at once, runs ``first`` (quick: e.g. open a modal while the trigger id is fresh),
    then hands ``work`` (guarded) to the worker pool with the same arguments.

    Bolt's own lazy listeners deep-copy the whole request (its Web API client included) before handing it
    over; the request is finished with once the ack is out, so sharing it saves that copy on every ack.
    """
    run = guarded(work)

    def listener(args: Args) -> None:
        args.ack()
        if first is not None:
            first(args)
        args.context["services"].executor.submit(run, args)

    listener.__name__ = f"ack_then_{work.__name__}"
    return listener
