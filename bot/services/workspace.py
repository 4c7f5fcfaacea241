"""The workspace's nudge and digest settings, changed by admins only."""

from collections.abc import Collection, Mapping

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.domain.prefs import WorkspacePolicy
from bot.domain.problems import FieldProblem
from bot.services.ports import SlackPort
from bot.services.prefs import policy_of, save_policy
from bot.services.profiles import is_admin


class NotAdmin(Exception):
    """Only workspace admins and owners (and ADMIN_USER_IDS) change these settings."""


def editable_policy(
    session: Session,
    slack: SlackPort,
    *,
    team_id: str,
    user_id: str,
    admin_ids: Collection[str],
    clock: Clock,
) -> WorkspacePolicy:
    if not is_admin(
        session, slack, team_id=team_id, user_id=user_id, admin_ids=admin_ids, clock=clock
    ):
        raise NotAdmin(user_id)
    policy = policy_of(session, team_id)
    session.commit()
    return policy


def change_policy(
    session: Session,
    slack: SlackPort,
    *,
    team_id: str,
    user_id: str,
    admin_ids: Collection[str],
    policy: WorkspacePolicy,
    form_errors: Mapping[str, FieldProblem],
    clock: Clock,
) -> dict[str, FieldProblem]:
    """Field errors (the form's own, and the policy's), or {} once saved. Checked again on
    submission: a view can be crafted."""
    if not is_admin(
        session, slack, team_id=team_id, user_id=user_id, admin_ids=admin_ids, clock=clock
    ):
        raise NotAdmin(user_id)
    return save_policy(
        session,
        team_id=team_id,
        user_id=user_id,
        policy=policy,
        form_errors=form_errors,
        clock=clock,
    )
