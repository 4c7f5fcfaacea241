"""`/ask [text]`: open the request modal, with the text (and any deadline in it) filled in.
`/ask profile` and `/ask topics` open the helper profile and (for admins) add-topic forms."""

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.domain.deadlines import parse_deadline
from bot.domain.requests import RequestDraft
from bot.domain.text import typed
from bot.services.people import local_now
from bot.slack.blocks import ids
from bot.slack.blocks.ask_modal import ask_modal
from bot.slack.blocks.replies import DEADLINE_UNCLEAR, could_not_open_ask
from bot.slack.listeners.acted import Acted
from bot.slack.listeners.actions.home import open_profile_modal, open_topic_modal


def open_ask_modal(
    ack: Ack, command: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    ack()
    act = Acted.of(command, context)
    text = command.get("text")
    text = typed(text).strip() if isinstance(text, str) else ""
    if text.lower() in (ids.PROFILE_SUBCOMMAND, ids.TOPICS_SUBCOMMAND):
        opener = open_profile_modal if text.lower() == ids.PROFILE_SUBCOMMAND else open_topic_modal
        problem = opener(act)
        if problem:
            respond(problem)
        return
    draft, notice = RequestDraft(what=text), None
    if text:
        deps = act.deps
        with deps.sessions() as session:
            now = local_now(
                session, deps.slack, team_id=act.team_id, user_id=act.user_id, clock=deps.clock
            )
        parsed = parse_deadline(text, now)
        if parsed.needed_by is not None:
            draft = RequestDraft(what=parsed.remaining, needed_by=parsed.needed_by)
        elif parsed.ambiguous:
            notice = DEADLINE_UNCLEAR
    form = ask_modal(draft=draft, allow_anonymous=act.deps.settings.allow_anonymous, notice=notice)
    code = act.open(form)
    if code is not None:
        respond(could_not_open_ask(code))
