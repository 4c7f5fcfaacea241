"""A stand-in for Slack in tests: a fake Web API on loopback and a signed-request driver.

Import as ``tests.slack_stand_in``; the repository root must be on ``sys.path``.
"""

import pytest

from .contract import Problem, default_reference_dir
from .driver import DriverResponse, SlackDriver
from .fake_slack import Call, FakeSlack

# Tests import the fixtures module for its constants, possibly before pytest loads it as a
# plugin; registering it keeps pytest's assertion rewriting (and its warning) in order.
pytest.register_assert_rewrite("tests.slack_stand_in.pytest_plugin")

__all__ = [
    "Call",
    "DriverResponse",
    "FakeSlack",
    "Problem",
    "SlackDriver",
    "default_reference_dir",
]
