"""The opening steps every action and form listener shares: who acted, in which workspace, where,
on which request, and the private replies only that person sees."""

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from logging import Logger
from typing import Any, TypeVar

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.requests import Outcome
from bot.services.ports import MessageRef
from bot.services.submissions import (
    Claim,
    Replayed,
    Submission,
    processing,
    release,
)
from bot.slack.blocks.messages import refusal_text
from bot.slack.blocks.replies import PRESS_AGAIN_SOON, SUBMIT_AGAIN_SOON, answer_blocks
from bot.slack.blocks.state import metadata_int, parse_id, parsed_metadata
from bot.slack.deps import Deps, deps_of
from db.engine import unreachable

T = TypeVar("T")
ViewListener = Callable[[Ack, dict[str, Any], dict[str, Any], BoltContext], None]


@dataclass(frozen=True)
class Acted:
    """One button press, menu choice, form submission, shortcut or command, read from its
    payload."""

    deps: Deps
    client: WebClient
    logger: Logger
    user_id: str
    team_id: str
    trigger_id: str
    # The button or menu used, or the form submitted (its callback id).
    handled: str
    # A button's value, or the chosen menu option's; empty for a form.
    value: str
    # Where a private reply goes: the conversation of the button; None (a DM) for a form.
    channel_id: str | None
    # The message acted on: the button's own, or for a form the one it was opened from.
    message: MessageRef | None
    # A form's private_metadata; empty for a button.
    metadata: dict[str, Any]

    @classmethod
    def of(cls, body: dict[str, Any], context: BoltContext) -> "Acted":
        action = (body.get("actions") or [{}])[0]
        view = body.get("view") if body.get("type", "").startswith("view_") else None
        deps = deps_of(context)
        # A command's payload names the person at its top level.
        user_id = str((body.get("user") or {}).get("id") or body.get("user_id", ""))
        handled = str(action.get("action_id") or (view or {}).get("callback_id", ""))
        metadata = parsed_metadata(view)
        if metadata is None:
            # Not what the app wrote: the form reads as naming nothing, so no request is found.
            context.logger.warning("%s from %s with unreadable private_metadata", handled, user_id)
            metadata = {}
        value = action.get("value") or (action.get("selected_option") or {}).get("value")
        container = body.get("container") or {}
        channel_id = container.get("channel_id") or (body.get("channel") or {}).get("id")
        message_ts = container.get("message_ts")
        message = MessageRef(channel_id, message_ts) if channel_id and message_ts else None
        if message is None and metadata:
            message = _origin(metadata, _origin_key(deps), user_id, handled, context.logger)
        return cls(
            deps=deps,
            client=context.client,
            logger=context.logger,
            user_id=user_id,
            team_id=team_of(body),
            trigger_id=str(body.get("trigger_id", "")),
            handled=handled,
            value=str(value or ""),
            channel_id=channel_id,
            message=message,
            metadata=metadata,
        )

    @property
    def choice(self) -> str:
        """An overflow menu's choice, from its "choice:id" value."""
        return self.value.partition(":")[0] if ":" in self.value else ""

    @property
    def value_id(self) -> int | None:
        """The id a button (a request, an offer) or a "choice:id" menu option (a request, a
        topic) carries; None for anything malformed."""
        return parse_id(self.value.rpartition(":")[2])

    @property
    def request_id(self) -> int | None:
        """The request acted on: a form's, from its metadata, or a button's or menu's."""
        if self.metadata:
            return metadata_int(self.metadata, "request_id")
        return self.value_id

    def form_metadata(self, request_id: int, origin: MessageRef | None) -> dict[str, Any]:
        """A form's private_metadata: the request, and the message `origin` that the form answers
        in place once submitted, sealed for this person so a crafted payload cannot aim that
        answer at another conversation."""
        metadata: dict[str, Any] = {"request_id": request_id}
        if origin is not None:
            seal = _seal(_origin_key(self.deps), self.user_id, origin.channel, origin.ts)
            metadata.update(channel=origin.channel, ts=origin.ts, seal=seal)
        return metadata

    def on_request(self, use_case: Callable[..., T], **args: Any) -> T | None:
        """Run a use case on the request acted on, in a session of its own:
        `use_case(session, slack, request_id=…, clock=…, **args)`. When the payload names no
        usable request, say it no longer exists and return None."""
        if self.request_id is None:
            self.missing()
            return None
        with self.deps.sessions() as session:
            return use_case(
                session, self.deps.slack, request_id=self.request_id, clock=self.deps.clock, **args
            )

    def pressed(self, use_case: Callable[..., T], **args: Any) -> T | None:
        """`on_request` for a button, whose press is acknowledged before anything is saved: when
        the database is out of reach, its transaction is rolled back and the person is told to
        press it again in a moment; returns None."""
        try:
            return self.on_request(use_case, **args)
        except Exception as error:
            if not unreachable(error):
                raise
            self.logger.warning(
                "%s from %s not saved, the database is out of reach: %s",
                self.handled,
                self.user_id,
                type(error).__name__,
            )
            self.tell(PRESS_AGAIN_SOON)
            return None

    def as_admin(self, use_case: Callable[..., T], **args: Any) -> T:
        """Run an admin-only use case, which checks the person against the admins itself, in a
        session of its own: `use_case(session, slack, team_id=…, user_id=…, admin_ids=…,
        clock=…, **args)`."""
        with self.deps.sessions() as session:
            return use_case(
                session,
                self.deps.slack,
                team_id=self.team_id,
                user_id=self.user_id,
                admin_ids=self.deps.settings.admin_user_ids,
                clock=self.deps.clock,
                **args,
            )

    def tell(self, text: str) -> None:
        """An ephemeral message where the person acted, or a DM when there is no such channel."""
        self._say(text, self.channel_id)

    def dm(self, text: str) -> None:
        """A DM, for what should outlast the ephemeral message a button may sit in."""
        self._say(text, None)

    def _say(self, text: str, channel_id: str | None) -> None:
        try:
            if channel_id:
                self.client.chat_postEphemeral(channel=channel_id, user=self.user_id, text=text)
            else:
                self.client.chat_postMessage(channel=self.user_id, text=text)
        except SlackApiError as error:
            self.logger.warning("could not tell %s: %s", self.user_id, error.response.get("error"))

    def refuse(self, outcome: Outcome) -> None:
        self.tell(refusal_text(outcome))

    def missing(self, what: str = "request") -> None:
        """The payload names no usable request: answer as for one that no longer exists."""
        self.logger.warning("%s from %s without a usable %s id", self.handled, self.user_id, what)
        self.refuse(Outcome.NOT_FOUND)

    def replace_message(self, text: str) -> None:
        """Write over the message acted on (a DM whose buttons have done their job)."""
        if self.message is None:
            return
        try:
            self.client.chat_update(
                channel=self.message.channel,
                ts=self.message.ts,
                text=text,
                blocks=answer_blocks(text),
            )
        except SlackApiError as error:
            self.logger.warning("could not update a message: %s", error.response.get("error"))

    def answer(self, text: str) -> None:
        """Write over the message acted on; without one, say it by DM."""
        if self.message is not None:
            self.replace_message(text)
        else:
            self.dm(text)

    def open(self, view: dict[str, Any]) -> str | None:
        """Open a modal; returns Slack's error code when it refused (an expired trigger, after
        3 s, or a closed client), which is logged."""
        try:
            self.client.views_open(trigger_id=self.trigger_id, view=view)
        except SlackApiError as error:
            code = error.response.get("error")
            self.logger.warning(
                "could not open %s for %s: %s", view.get("callback_id"), self.user_id, code
            )
            return str(code)
        return None


def once_per_view(listener: ViewListener) -> ViewListener:
    """`listener`, run once per view and hash however often the submission arrives
    (bot.services.submissions): a replay is acknowledged, so its modal closes, and changes
    nothing. The listener's closing ack waits until its change is committed: when the database
    is out of reach, the form stays open and asks to be submitted again."""

    def once(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        submission = Submission(
            team_id=team_of(body),
            view_id=str(view.get("id") or ""),
            hash=str(view.get("hash") or ""),
            callback_id=str(view.get("callback_id") or ""),
        )
        deps = deps_of(context)
        with processing(submission, deps.clock) as claim:
            held = _HeldAck(ack, claim)
            try:
                listener(held, body, view, context)
            except Replayed:
                context.logger.info(
                    "%s submission of view %s replayed: nothing done",
                    submission.callback_id,
                    submission.view_id,
                )
                if ack.response is None:
                    ack()
                return
            except Exception as error:
                field = _first_input(view)
                if not unreachable(error) or ack.response is not None or field is None:
                    raise
                context.logger.warning(
                    "%s submission sent back, the database is out of reach: %s",
                    submission.callback_id,
                    type(error).__name__,
                    # What failed, for the operator; bound values are never in it.
                    exc_info=error,
                )
                ack(response_action="errors", errors={field: SUBMIT_AGAIN_SOON})
                return
            held.release()
        if claim.done and _sent_back(ack):
            with deps.sessions() as session:
                release(session, submission)

    once.__name__ = listener.__name__
    return once


class _HeldAck(Ack):
    """A form listener's ack. An answer shown on the form (field errors, the review) goes at
    once; the plain ack that closes the modal is held until the submission's change is
    committed, or the listener ends without one (a refusal), so a form whose change is lost
    is never closed."""

    def __init__(self, ack: Ack, claim: Claim) -> None:
        super().__init__()
        self._ack = ack
        self._claim = claim
        self._held: dict[str, Any] | None = None
        claim.on_done = self.release

    def __call__(self, **answer: Any) -> Any:  # type: ignore[override]
        if answer or self._claim.done:
            return self._ack(**answer)
        self._held = answer
        return None

    def release(self) -> None:
        if self._held is not None and self._ack.response is None:
            self._ack(**self._held)
        self._held = None


def _first_input(view: dict[str, Any]) -> str | None:
    blocks = view.get("blocks") or []
    found = [b.get("block_id") for b in blocks if isinstance(b, dict) and b.get("type") == "input"]
    return str(found[0]) if found and found[0] else None


def _sent_back(ack: Ack) -> bool:
    """The submission was answered with field errors: its view stays open, hash unchanged."""
    body = ack.response.body if ack.response is not None else ""
    return bool(body) and json.loads(body).get("response_action") == "errors"


def team_of(body: dict[str, Any]) -> str:
    """The workspace a request came from, whichever of Slack's shapes it has."""
    team = body.get("team")
    found = (
        (team.get("id") if isinstance(team, dict) else None)
        or body.get("team_id")
        or (body.get("user") or {}).get("team_id")
        or (body.get("view") or {}).get("team_id")
    )
    return str(found or "")


def _origin(
    metadata: dict[str, Any], key: bytes, user_id: str, handled: str, logger: Logger
) -> MessageRef | None:
    """The message a form was opened from, when the form should answer it in place: only with
    the seal form_metadata gave it for this person."""
    channel, ts, seal = metadata.get("channel"), metadata.get("ts"), metadata.get("seal")
    if not (isinstance(channel, str) and isinstance(ts, str)):
        return None
    if isinstance(seal, str) and hmac.compare_digest(seal, _seal(key, user_id, channel, ts)):
        return MessageRef(channel, ts)
    logger.warning("%s from %s names a message it was not opened from", handled, user_id)
    return None


def _origin_key(deps: Deps) -> bytes:
    # Socket Mode runs without a signing secret; the bot token is as secret.
    secret = deps.settings.signing_secret or deps.settings.bot_token
    return hmac.new(secret.encode(), b"reciprocity form origin", hashlib.sha256).digest()


def _seal(key: bytes, user_id: str, channel: str, ts: str) -> str:
    return hmac.new(key, f"{user_id}\n{channel}\n{ts}".encode(), hashlib.sha256).hexdigest()
