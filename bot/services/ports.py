"""What the use cases need from Slack, said in the app's words rather than Slack's API."""

from dataclasses import dataclass
from typing import Protocol

from bot.domain.feedback import DeclineFeedback
from bot.domain.message import Message
from bot.domain.offers import OfferView
from bot.domain.requests import RequestCard


class SlackError(Exception):
    """Slack refused or could not be reached; `code` is Slack's error code or a transport one."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    @property
    def outcome_unknown(self) -> bool:
        """No answer came (the connection dropped, or the reply came after the client gave up):
        Slack may have done what was asked."""
        return self.code == CONNECTION_ERROR


# The code for a call that got no answer from Slack.
CONNECTION_ERROR = "connection_error"


@dataclass(frozen=True)
class Person:
    """A Slack user as users.info describes them."""

    user_id: str
    real_name: str
    tz: str | None
    tz_offset: int | None  # seconds east of UTC; None when Slack gives none
    is_bot: bool
    is_deleted: bool
    is_admin: bool
    is_owner: bool


@dataclass(frozen=True)
class PostedMessage:
    channel: str
    ts: str


@dataclass(frozen=True)
class MessageRef:
    """A message the app posted earlier and may update, such as a failure notice."""

    channel: str
    ts: str


class SlackPort(Protocol):
    def fetch_person(self, user_id: str) -> Person: ...

    def post_request(self, card: RequestCard) -> PostedMessage:
        """Post the request where it goes, tagged with its key so `find_request` can find it."""
        ...

    def find_request(self, card: RequestCard) -> PostedMessage | None:
        """The request's post where it goes, if Slack has it."""
        ...

    def permalink(self, message: PostedMessage) -> str | None: ...

    def tell_posted(
        self,
        card: RequestCard,
        message: PostedMessage,
        permalink: str | None,
        replace: MessageRef | None,
    ) -> None: ...

    def tell_post_failed(
        self, card: RequestCard, error_code: str, replace: MessageRef | None
    ) -> None: ...

    def update_request(self, card: RequestCard, message: PostedMessage) -> None: ...

    def ask_directly(
        self, card: RequestCard, helper_id: str, reasons: tuple[str, ...], key: str
    ) -> MessageRef: ...

    def tell_asked(self, card: RequestCard, helper_ids: tuple[str, ...], widened: bool) -> None: ...

    def tell_widened_to_channel(self, card: RequestCard, channel: str) -> None: ...

    def thank_for_passing(self, message: MessageRef, card: RequestCard) -> None:
        """Replace a direct ask the helper passed on with thanks (an offer's own message says
        how the offer stands instead: `confirm_offer`)."""
        ...

    # Offers: the asker's DM about each offer, and the helper's own message about it. A post
    # is tagged with its outbox key, so `find_effect` can find it when its outcome is unknown.
    def tell_offer(self, card: RequestCard, offer: OfferView, key: str) -> MessageRef: ...

    def update_offer_notice(
        self, message: MessageRef, card: RequestCard, offer: OfferView
    ) -> None: ...

    def confirm_offer(self, card: RequestCard, offer: OfferView, key: str) -> MessageRef: ...

    def update_offer_confirmation(
        self, message: MessageRef, card: RequestCard, offer: OfferView
    ) -> None:
        """Show the helper how their offer stands, in their confirmation or the direct ask they
        answered."""
        ...

    def open_group_dm(self, asker_id: str, helper_id: str) -> str:
        """The group DM of asker, helper and app (the same one each time); its channel."""
        ...

    def introduce(
        self, channel: str, card: RequestCard, helper_id: str, key: str
    ) -> MessageRef: ...

    def tell_no_group_dm(
        self, card: RequestCard, helper_id: str, error_code: str, key: str
    ) -> MessageRef:
        """Tell the asker the group DM with `helper_id` could not be opened, and why."""
        ...

    def tell_helper_no_group_dm(
        self, card: RequestCard, helper_id: str, key: str
    ) -> MessageRef: ...

    def tell_covered(self, card: RequestCard, helper_id: str, key: str) -> MessageRef:
        """Thank a helper the asker said *Not now* to, when there is no offer message to update."""
        ...

    def find_effect(self, target: str, key: str) -> PostedMessage | None:
        """The message tagged `key` in the conversation with `target`, if Slack has it."""
        ...

    # Closing the loop
    def thank(
        self, card: RequestCard, helper_id: str, note: str | None, impact: str | None, key: str
    ) -> MessageRef: ...

    def tell_resolved(
        self, card: RequestCard, thanked: tuple[str, ...], replace: MessageRef | None, key: str
    ) -> MessageRef:
        """Tell the asker it is resolved, over the message they resolved it from if any."""
        ...

    def ask_how_it_went(self, card: RequestCard) -> None: ...

    def tell_declines(
        self, card: RequestCard, feedback: DeclineFeedback, replace: MessageRef | None, key: str
    ) -> MessageRef: ...

    # Scheduled messages (nudges, digests), laid out by kind and tagged with their outbox key
    def post_scheduled(
        self, target: str, kind: str, message: Message, key: str
    ) -> PostedMessage: ...

    def find_scheduled(self, target: str, key: str) -> PostedMessage | None:
        """The message tagged `key` in the conversation with `target`, if Slack has it."""
        ...
