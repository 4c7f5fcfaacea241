"""What the in-process latency benchmarks share: signed requests kept aside until the clock
starts, a completion count so no measurement overlaps the previous listener, and percentiles."""

import math
import threading
from typing import Any

from slack_bolt import App
from slack_bolt.listener.listener_completion_handler import ListenerCompletionHandler
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse

NS_PER_MS = 1_000_000
# A listener that has not finished by then is stuck, not slow.
WAIT_TIMEOUT_S = 10.0


class SignedRequests:
    """Stands in for the app under the driver, keeping the signed request it would have sent,
    so building and signing the payload (the driver's work, not the app's) stays out of the
    timing."""

    def __init__(self) -> None:
        self.last: tuple[str, dict[str, Any]] | None = None

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        self.last = (req.raw_body, dict(req.headers))
        return BoltResponse(status=200)

    def take(self) -> tuple[str, dict[str, Any]]:
        assert self.last is not None
        taken, self.last = self.last, None
        return taken


class CompletionCounter(ListenerCompletionHandler):
    """Counts listeners that have returned: a measurement starts only once the previous
    request's listener has finished (closing its session, logging) on another core, and a
    round's result is read only after its listener."""

    def __init__(self) -> None:
        self._done = 0
        self._cond = threading.Condition()

    def handle(self, request: BoltRequest, response: BoltResponse | None) -> None:
        with self._cond:
            self._done += 1
            self._cond.notify_all()

    @property
    def done(self) -> int:
        with self._cond:
            return self._done

    def wait_for(self, count: int) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: self._done >= count, WAIT_TIMEOUT_S):
                raise RuntimeError(f"listeners did not finish: {self._done}/{count}")


def dispatch(app: App, signed: tuple[str, dict[str, Any]]) -> BoltResponse:
    body, headers = signed
    # The request object is built here, as an HTTP adapter builds it per request.
    return app.dispatch(BoltRequest(body=body, headers=headers))


def percentile(sorted_ns: list[int], p: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    rank = max(1, math.ceil(p / 100 * len(sorted_ns)))
    return sorted_ns[rank - 1] / NS_PER_MS


def summarize(samples: list[int]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50": percentile(ordered, 50),
        "p90": percentile(ordered, 90),
        "p99": percentile(ordered, 99),
        "max": ordered[-1] / NS_PER_MS,
    }
