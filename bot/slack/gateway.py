"""The Slack port the services use, made of Web API calls and the Block Kit builders."""

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.domain.feedback import DeclineFeedback
from bot.domain.message import Message
from bot.domain.offers import OfferView
from bot.domain.requests import RequestCard
from bot.services.ports import CONNECTION_ERROR, MessageRef, Person, PostedMessage, SlackError
from bot.slack.blocks import messages, metadata, offers, replies, scheduled

log = logging.getLogger(__name__)

# A message as the Block Kit builders return it: notification text and blocks.
Rendered = tuple[str, list[dict[str, Any]]]


class SlackGateway:
    def __init__(
        self, client: WebClient, help_channel: str, offer_emoji: str = "raising_hand"
    ) -> None:
        self._client = client
        self._help_channel = help_channel
        self._offer_emoji = offer_emoji

    def fetch_person(self, user_id: str) -> Person:
        person = person_from_user(self._call("users_info", user=user_id).get("user"))
        if person is None:
            raise SlackError("invalid_user_object")
        return person

    def post_request(self, card: RequestCard) -> PostedMessage:
        tag = metadata.tag(
            metadata.REQUEST_EVENT, metadata.request_key(card.id), request_id=card.id
        )
        rendered = messages.request_message(card, self._offer_emoji)
        return self._post(card.destination, rendered, metadata=tag)

    def find_request(self, card: RequestCard) -> PostedMessage | None:
        key = metadata.request_key(card.id)
        return self._find_tagged(card.destination, metadata.REQUEST_EVENT, key)

    def update_request(self, card: RequestCard, message: PostedMessage) -> None:
        self._update(message, messages.request_message(card, self._offer_emoji))

    def permalink(self, message: PostedMessage) -> str | None:
        response = self._call("chat_getPermalink", channel=message.channel, message_ts=message.ts)
        return response.get("permalink")

    def tell_posted(
        self,
        card: RequestCard,
        message: PostedMessage,
        permalink: str | None,
        replace: MessageRef | None,
    ) -> None:
        notice = messages.posted_notice(card, message.channel, permalink)
        self._send(card.asker_id, notice, replace)

    def tell_post_failed(
        self, card: RequestCard, error_code: str, replace: MessageRef | None
    ) -> None:
        notice = messages.post_failed_notice(card, error_code, self._help_channel)
        self._send(card.asker_id, notice, replace)

    def ask_directly(
        self, card: RequestCard, helper_id: str, reasons: tuple[str, ...], key: str
    ) -> MessageRef:
        rendered = messages.direct_ask_message(card, reasons)
        return self._send(helper_id, rendered, metadata=_effect(key))

    def tell_asked(self, card: RequestCard, helper_ids: tuple[str, ...], widened: bool) -> None:
        self._send(card.asker_id, _plain(messages.asked_notice(helper_ids, widened)))

    def tell_widened_to_channel(self, card: RequestCard, channel: str) -> None:
        self._send(card.asker_id, _plain(messages.widened_to_channel_notice(channel)))

    def thank_for_passing(self, message: MessageRef, card: RequestCard) -> None:
        self._update(message, messages.passed_notice(card))

    def tell_offer(self, card: RequestCard, offer: OfferView, key: str) -> MessageRef:
        return self._send(card.asker_id, offers.offer_notice(card, offer), metadata=_effect(key))

    def update_offer_notice(self, message: MessageRef, card: RequestCard, offer: OfferView) -> None:
        self._update(message, offers.offer_notice(card, offer))

    def confirm_offer(self, card: RequestCard, offer: OfferView, key: str) -> MessageRef:
        rendered = offers.helper_offer_message(card, offer)
        return self._send(offer.helper_id, rendered, metadata=_effect(key))

    def update_offer_confirmation(
        self, message: MessageRef, card: RequestCard, offer: OfferView
    ) -> None:
        self._update(message, offers.helper_offer_message(card, offer))

    def open_group_dm(self, asker_id: str, helper_id: str) -> str:
        opened = self._call("conversations_open", users=f"{asker_id},{helper_id}")
        return str(opened["channel"]["id"])

    def introduce(self, channel: str, card: RequestCard, helper_id: str, key: str) -> MessageRef:
        posted = self._post(channel, offers.introduction(card, helper_id), metadata=_effect(key))
        return MessageRef(posted.channel, posted.ts)

    def thank(
        self, card: RequestCard, helper_id: str, note: str | None, impact: str | None, key: str
    ) -> MessageRef:
        rendered = offers.thanks_message(card, note, impact)
        return self._send(helper_id, rendered, metadata=_effect(key))

    def tell_resolved(
        self, card: RequestCard, thanked: tuple[str, ...], replace: MessageRef | None, key: str
    ) -> MessageRef:
        text = replies.resolved(thanked)
        rendered = text, replies.answer_blocks(text)
        return self._send(card.asker_id, rendered, replace, metadata=_effect(key))

    def ask_how_it_went(self, card: RequestCard) -> None:
        self._send(card.asker_id, offers.follow_up_message(card))

    def tell_declines(
        self, card: RequestCard, feedback: DeclineFeedback, replace: MessageRef | None, key: str
    ) -> MessageRef:
        rendered = offers.declines_message(card, feedback)
        return self._send(card.asker_id, rendered, replace, metadata=_effect(key))

    def tell_no_group_dm(
        self, card: RequestCard, helper_id: str, error_code: str, key: str
    ) -> MessageRef:
        rendered = offers.no_group_dm_for_asker(helper_id, error_code)
        return self._send(card.asker_id, rendered, metadata=_effect(key))

    def tell_helper_no_group_dm(self, card: RequestCard, helper_id: str, key: str) -> MessageRef:
        return self._send(helper_id, offers.no_group_dm_for_helper(), metadata=_effect(key))

    def tell_covered(self, card: RequestCard, helper_id: str, key: str) -> MessageRef:
        return self._send(helper_id, offers.covered(), metadata=_effect(key))

    def find_effect(self, target: str, key: str) -> PostedMessage | None:
        return self._find_tagged(target, metadata.EFFECT_EVENT, key)

    def post_scheduled(self, target: str, kind: str, message: Message, key: str) -> PostedMessage:
        tag = metadata.tag(scheduled.METADATA_EVENT, key)
        return self._post(target, scheduled.scheduled_message(kind, message), metadata=tag)

    def find_scheduled(self, target: str, key: str) -> PostedMessage | None:
        return self._find_tagged(target, scheduled.METADATA_EVENT, key)

    def _find_tagged(self, target: str, event_type: str, key: str) -> PostedMessage | None:
        """The app's message tagged `key` in the conversation with `target` (a channel, or a
        user ID for the app's DM with them), if Slack has it."""
        channel = target
        if target[:1] in ("U", "W"):
            channel = str(self._call("conversations_open", users=target)["channel"]["id"])
        # Asked right after the post, or once its claim went stale minutes later: a DM, a digest
        # or a help channel rarely has more than a page of messages since. No `oldest`: the
        # app's clock and Slack's message timestamps need not agree.
        history = self._call(
            "conversations_history", channel=channel, limit=200, include_all_metadata=True
        )
        for message in history.get("messages") or []:
            if metadata.key_of(message, event_type) == key:
                return PostedMessage(channel=channel, ts=str(message["ts"]))
        return None

    def _post(self, channel: str, rendered: Rendered, **extra: Any) -> PostedMessage:
        """Post to `channel`; a user ID as the channel posts in the app's DM with that person
        (Messages tab)."""
        text, blocks = rendered
        response = self._call(
            "chat_postMessage", channel=channel, text=text, blocks=blocks, **extra
        )
        return PostedMessage(channel=str(response["channel"]), ts=str(response["ts"]))

    def _update(self, message: PostedMessage | MessageRef, rendered: Rendered) -> None:
        text, blocks = rendered
        self._call("chat_update", channel=message.channel, ts=message.ts, text=text, blocks=blocks)

    def _send(
        self,
        user_id: str,
        rendered: Rendered,
        replace: MessageRef | None = None,
        **extra: Any,
    ) -> MessageRef:
        """A DM to `user_id`, or an update of the DM `replace`; returns where it is."""
        if replace is not None:
            self._update(replace, rendered)
            return replace
        posted = self._post(user_id, rendered, **extra)
        return MessageRef(posted.channel, posted.ts)

    def _call(self, method: str, **kwargs: Any) -> Any:
        try:
            return getattr(self._client, method)(**kwargs)
        except SlackApiError as error:
            status = error.response.status_code
            # Past the retries, a 429 or 5xx body is often Slack's edge HTML, not an error code.
            if status == 429:
                code = "ratelimited"
            elif status >= 500:
                code = f"http_{status}"
            else:
                code = str(error.response.get("error") or f"http_{status}")
            raise SlackError(code) from error
        except (SlackClientError, OSError) as error:
            log.warning("Slack unreachable for %s: %r", method, error)
            raise SlackError(CONNECTION_ERROR) from error


def person_from_user(user: Any) -> Person | None:
    """A Slack user object (users.info, user_change, team_join) as a Person; None when it is
    not one."""
    if not isinstance(user, dict) or not isinstance(user.get("id"), str) or not user["id"]:
        return None
    profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
    offset = user.get("tz_offset")
    tz = user.get("tz")
    return Person(
        user_id=user["id"],
        real_name=str(user.get("real_name") or profile.get("real_name") or user.get("name") or ""),
        tz=tz if isinstance(tz, str) and tz else None,
        tz_offset=offset if isinstance(offset, int) and not isinstance(offset, bool) else None,
        is_bot=bool(user.get("is_bot")),
        is_deleted=bool(user.get("deleted")),
        is_admin=bool(user.get("is_admin")),
        is_owner=bool(user.get("is_owner")),
    )


def _effect(key: str) -> dict[str, Any]:
    return metadata.tag(metadata.EFFECT_EVENT, key)


def _plain(text: str) -> Rendered:
    return text, messages.plain_blocks(text)
