"""Teams activity JSON -> IncomingMessage / ActionRequest, on the recorded samples."""

from __future__ import annotations

import pytest
from microsoft_agents.activity import Activity

from bot.teams.translate import clean_text, tenant_of, to_action_request, to_incoming
from tests.unit.teams.support import load_sample

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


def test_personal_message_2019() -> None:
    incoming = to_incoming(load_sample("msteams-docs/inbound_message_personal_2019.json"))
    assert incoming.platform == "teams"
    assert incoming.workspace_id == TENANT
    assert incoming.user_id == "df486eae-88fd-42a5-b45e-c581588186db"  # the Entra object id, stable per tenant
    assert incoming.conversation_id.startswith("a:1oAmWTVBBe9E0Jrp")
    assert (incoming.text, incoming.user_name, incoming.thread_id) == ("hi", "Jane Doe", None)


def test_personal_message_2017_has_tenant_only_in_channel_data_and_a_timezone() -> None:
    sample = load_sample("msteams-docs/inbound_message_personal_2017.json")
    assert "tenantId" not in sample["conversation"]
    incoming = to_incoming(sample)
    assert incoming.workspace_id == TENANT
    assert incoming.timezone == "America/Los_Angeles"
    assert incoming.text == "Hello Teams TestBot"


def test_agents_sdk_payload_and_the_sdk_model_give_the_same_message() -> None:
    raw = load_sample("agents-sdk-samples/teams_personal_message_activity.payload.json")
    from_dict, from_model = to_incoming(raw), to_incoming(Activity.model_validate(raw))
    assert from_dict == from_model
    assert from_dict.workspace_id == "00000000-0000-0000-0000-0000000000001"
    assert from_dict.user_id == "00000000-0000-0000-0000-0000000000020"
    assert from_dict.text == "Hello, Bot!"


def test_channel_mention_of_the_bot_is_removed_and_other_mentions_kept_as_names() -> None:
    sample = load_sample("msteams-docs/inbound_message_personal_2019.json")
    sample["conversation"] = {"conversationType": "channel", "id": "19:abc@thread.skype;messageid=1700000000000"}
    sample["text"] = "<at>Imported Bot</at> who knows&nbsp;what <at>Bob Tremblay</at> does with cobots?\n"
    sample["entities"] = [
        {"type": "mention", "text": "<at>Imported Bot</at>", "mentioned": sample["recipient"]},
        {"type": "mention", "text": "<at>Bob Tremblay</at>", "mentioned": {"id": "29:bob", "name": "Bob Tremblay"}},
    ]
    incoming = to_incoming(sample)
    assert incoming.text == "who knows what Bob Tremblay does with cobots?"
    assert incoming.thread_id == "1700000000000"
    assert incoming.workspace_id == TENANT  # from channelData when the conversation has none


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<at>clustermatch</at> funding for cobots", "funding for cobots"),  # no entity: matched by the bot name
        ("<p><at>ClusterMatch</at>&nbsp;laser &amp; cladding</p>", "laser & cladding"),
        ("  line one \n\n  line two ", "line one\nline two"),
        ("AT&T 5 < 6", "AT&T 5 < 6"),  # plain text survives
        ("", ""),
    ],
)
def test_clean_text(text: str, expected: str) -> None:
    assert clean_text(text, bot_name="clustermatch") == expected


def test_card_submit_value_becomes_an_action_request() -> None:
    sample = load_sample("msteams-docs/inbound_message_personal_2019.json")
    sample.pop("text")
    sample["value"] = {"action": "request_intro", "ref": "org:weldtech", "query_id": "q-9", "note": "  via Ana "}
    request = to_action_request(sample)
    assert request is not None
    assert (request.action, request.ref, request.query_id, request.note) == (
        "request_intro",
        "org:weldtech",
        "q-9",
        "via Ana",
    )
    assert (request.platform, request.workspace_id) == ("teams", TENANT)
    assert request.user_id == "df486eae-88fd-42a5-b45e-c581588186db"


@pytest.mark.parametrize("value", [None, "save", {"action": "save"}, {"ref": "org:x"}, {"action": 3, "ref": "org:x"}])
def test_anything_else_is_not_an_action_request(value: object) -> None:
    sample = load_sample("msteams-docs/inbound_message_personal_2019.json")
    sample["value"] = value
    assert to_action_request(sample) is None


def test_tenant_is_never_empty() -> None:
    assert tenant_of({"conversation": {"id": "x"}}) == "unknown-tenant"
