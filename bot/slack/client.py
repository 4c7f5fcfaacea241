"""The Web API client: Slack's base URL or a stand-in's, with slack_sdk's retry handlers."""

from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.http_retry import (
    BackoffRetryIntervalCalculator,
    HttpRequest,
    HttpResponse,
    RetryHandler,
    RetryIntervalCalculator,
    RetryState,
)
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings

# The longest Retry-After a call waits out. A listener's thread is parked while it waits; beyond
# this the call fails, and the listener's failure path tells the person (the outbox's sender
# schedules its own later attempt instead).
MAX_RETRY_AFTER_SECONDS = 10


class CappedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler sleeps for whatever Retry-After says, an hour if Slack says so;
    this one retries only when the wait is at most `max_wait` seconds."""

    def __init__(self, max_retry_count: int = 1, max_wait: float = MAX_RETRY_AFTER_SECONDS) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        waits = [v for k, v in response.headers.items() if k.lower() == "retry-after"]
        text = waits[0][0] if waits and waits[0] else "1"
        return text.isdigit() and int(text) <= self.max_wait


def default_retry_handlers(
    backoff: RetryIntervalCalculator | None = None,
) -> list[RetryHandler]:
    # 429s wait for Retry-After (up to MAX_RETRY_AFTER_SECONDS); 500/503 and dropped connections
    # back off (0.5 s, 1 s). Two retries each keeps a listener's worst case within seconds.
    backoff = backoff or BackoffRetryIntervalCalculator(backoff_factor=0.5)
    return [
        IdempotentConnectionErrorRetryHandler(max_retry_count=2, interval_calculator=backoff),
        CappedRateLimitRetryHandler(max_retry_count=2),
        ServerErrorRetryHandler(max_retry_count=2, interval_calculator=backoff),
    ]


# Calls that are safe to send twice: reads, and writes that set a state rather than add one. A
# dropped connection may come after Slack acted, so anything else (a post above all) is not
# resent; a post's sender looks for it in the conversation instead.
IDEMPOTENT_METHODS = frozenset(
    {
        "auth.test",
        "chat.getPermalink",
        "chat.update",
        "conversations.history",
        "conversations.info",
        "conversations.join",
        "conversations.members",
        "conversations.open",
        "team.info",
        "users.info",
        "users.list",
        "views.publish",
        "views.update",
    }
)


class IdempotentConnectionErrorRetryHandler(ConnectionErrorRetryHandler):
    """slack_sdk's connection-error retries, for the idempotent methods only."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        method = urlsplit(request.url).path.rstrip("/").rpartition("/")[2]
        if method not in IDEMPOTENT_METHODS:
            return False
        return super()._can_retry(state=state, request=request, response=response, error=error)


def build_web_client(
    settings: Settings, retry_handlers: list[RetryHandler] | None = None
) -> WebClient:
    return WebClient(
        token=settings.bot_token,
        base_url=settings.api_url,
        timeout=10,
        retry_handlers=default_retry_handlers() if retry_handlers is None else retry_handlers,
    )
