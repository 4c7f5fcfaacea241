"""When things fail: a long Retry-After does not park a listener, log lines stay one line each,
and an anonymous asker's id and name reach no log line, error paths and SQL errors included."""

import logging
import sys
import time

import pytest
from sqlalchemy import event

from bot.domain.requests import Delivery
from bot.logs import SafeLogRecords
from bot.slack.blocks import ids
from tests.slack_stand_in.pytest_plugin import ASKER_ID, HELPER_1_ID
from tests.support import find_message, offer_by_button, press_in_dm, requests
from tests.test_coaching_flow import smart

ANONYMOUS = {ids.ANONYMOUS_INPUT: [ids.ANONYMOUS_VALUE]}


def test_a_retry_after_of_an_hour_fails_fast_and_the_asker_is_told(
    open_ask_modal, driver, fake_slack, session, clock
) -> None:
    fake_slack.rate_limit("chat.postMessage", retry_after=3600, times=1)
    view = open_ask_modal()
    started = time.monotonic()
    driver.view_submission(view, smart(clock), user_id=ASKER_ID)
    assert time.monotonic() - started < 5
    (request,) = requests(session)
    assert request.delivery == Delivery.FAILED
    find_message(fake_slack, fake_slack.dm_channel_id(ASKER_ID), "couldn't send your request")


def record(message: str, *args: object, exc_info: object = None) -> logging.LogRecord:
    return logging.LogRecord("t", logging.WARNING, __file__, 1, message, args, exc_info)  # type: ignore[arg-type]


def formatted(record: logging.LogRecord) -> str:
    assert SafeLogRecords().filter(record)
    return logging.Formatter("%(levelname)s %(message)s").format(record)


def test_what_a_client_sends_cannot_start_a_log_line() -> None:
    line = formatted(record("refused %s", "/x\r\nERROR forged\x1b[31m\u2028"))
    assert line == "WARNING refused /x\\r\\nERROR forged\\x1b[31m\\u2028"


def test_a_traceback_is_indented_and_database_details_are_hidden() -> None:
    try:
        raise ValueError(
            "duplicate key\nDETAIL:  Key (asker_id)=(UASKER01) already exists.\nERROR forged"
        )
    except ValueError:
        text = formatted(record("failed", exc_info=sys.exc_info()))
    first, *rest = text.split("\n")
    assert first == "WARNING failed"
    assert all(line.startswith("  ") for line in rest), text
    assert ASKER_ID not in text


class TestAnonymityInFailure:
    @pytest.fixture
    def settings_overrides(self):
        return {"ALLOW_ANONYMOUS_ASKS": "true"}

    @pytest.fixture
    def logs(self, caplog) -> pytest.LogCaptureFixture:
        caplog.set_level(logging.DEBUG)
        caplog.handler.addFilter(SafeLogRecords())  # as app.py's logging set-up does
        return caplog

    def assert_asker_unnamed(self, logs: pytest.LogCaptureFixture) -> None:
        assert logs.records, "the failure was logged somewhere"
        for found in [logs.text, *(r.getMessage() for r in logs.records)]:
            assert ASKER_ID not in found
            assert "Ada Asker" not in found

    def test_the_database_failing_on_an_anonymous_submission(
        self, open_ask_modal, driver, engine, session, clock, logs
    ) -> None:
        def break_the_insert(_conn, _cursor, statement, parameters, _context, _many):
            if statement.startswith("INSERT INTO help_requests"):
                statement = statement.replace("help_requests", "no_such_table", 1)
            return statement, parameters

        view = open_ask_modal()
        event.listen(engine, "before_cursor_execute", break_the_insert, retval=True)
        try:
            driver.view_submission(view, {**smart(clock), **ANONYMOUS}, user_id=ASKER_ID)
        finally:
            event.remove(engine, "before_cursor_execute", break_the_insert)
        assert any("no_such_table" in r.getMessage() or r.exc_info for r in logs.records)
        self.assert_asker_unnamed(logs)

    @pytest.mark.parametrize("failure", ["refused", "server_error", "rate_limited"])
    def test_slack_failing_the_post_of_an_anonymous_ask(
        self, open_ask_modal, driver, fake_slack, session, clock, logs, failure
    ) -> None:
        if failure == "refused":
            fake_slack.fail("chat.postMessage", "channel_not_found")
        elif failure == "server_error":
            fake_slack.server_error("chat.postMessage", status=503, times=3)
        else:
            fake_slack.rate_limit("chat.postMessage", retry_after=3600)
        driver.view_submission(open_ask_modal(), {**smart(clock), **ANONYMOUS}, user_id=ASKER_ID)
        assert requests(session)[0].delivery == Delivery.FAILED
        self.assert_asker_unnamed(logs)

    def test_accepting_when_slack_fails_every_message(
        self, open_ask_modal, driver, fake_slack, session, clock, logs
    ) -> None:
        driver.view_submission(open_ask_modal(), {**smart(clock), **ANONYMOUS}, user_id=ASKER_ID)
        (request,) = requests(session)
        offer_by_button(driver, fake_slack, request, HELPER_1_ID)
        fake_slack.fail("conversations.open", "user_disabled")
        fake_slack.fail("chat.postMessage", "account_inactive", times=5)
        press_in_dm(driver, fake_slack, ASKER_ID, ids.ACCEPT_OFFER)
        self.assert_asker_unnamed(logs)
