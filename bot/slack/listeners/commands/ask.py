"""`/ask [text]`: open the request modal, with the text (and any deadline in it) filled in.
`/ask profile` and `/ask topics` open the helper profile and (for admins) add-topic forms."""

from logging import Logger
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.deadlines import parse_deadline
from bot.domain.requests import RequestDraft
from bot.services.people import local_now
from bot.slack.blocks import ids
from bot.slack.blocks.ask_modal import ask_modal
from bot.slack.deps import Deps
from bot.slack.listeners.actions.home import open_profile_modal, open_topic_modal


def register(app: App, deps: Deps) -> None:
    @app.command(ids.ASK_COMMAND)
    def open_ask_modal(
        ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond, logger: Logger
    ) -> None:
        ack()
        user_id = str(command.get("user_id", ""))
        text = command.get("text")
        text = text.strip() if isinstance(text, str) else ""
        if text.lower() in (ids.PROFILE_SUBCOMMAND, ids.TOPICS_SUBCOMMAND):
            opener = (
                open_profile_modal if text.lower() == ids.PROFILE_SUBCOMMAND else open_topic_modal
            )
            problem = opener(
                deps,
                client,
                logger,
                team_id=str(command.get("team_id", "")),
                user_id=user_id,
                trigger_id=str(command.get("trigger_id", "")),
            )
            if problem:
                respond(problem)
            return
        draft, notice = RequestDraft(what=text), None
        if text:
            with deps.sessions() as session:
                now = local_now(
                    session,
                    deps.slack,
                    team_id=str(command.get("team_id", "")),
                    user_id=user_id,
                    clock=deps.clock,
                )
            parsed = parse_deadline(text, now)
            if parsed.needed_by is not None:
                draft = RequestDraft(what=parsed.remaining, needed_by=parsed.needed_by)
            elif parsed.ambiguous:
                notice = "I couldn't tell when you need this, so pick a time below."
        view = ask_modal(
            draft=draft,
            allow_anonymous=deps.settings.allow_anonymous,
            notice=notice,
        )
        try:
            client.views_open(trigger_id=command.get("trigger_id", ""), view=view)
        except SlackApiError as error:
            code = error.response.get("error")
            logger.warning("could not open the /ask modal for %s: %s", user_id, code)
            respond(
                "Sorry, I couldn't open the request form just now "
                f"(Slack said `{code}`). Please run `/ask` again."
            )
