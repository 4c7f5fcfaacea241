"""The Web API client: Slack's base URL or a stand-in's, with slack_sdk's retry handlers."""

from slack_sdk import WebClient
from slack_sdk.http_retry import (
    BackoffRetryIntervalCalculator,
    RetryHandler,
    RetryIntervalCalculator,
)
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings


def default_retry_handlers(
    backoff: RetryIntervalCalculator | None = None,
) -> list[RetryHandler]:
    # 429s wait for Retry-After; 500/503 and dropped connections back off (0.5 s, 1 s). Two
    # retries each keeps a listener's worst case within a few seconds.
    backoff = backoff or BackoffRetryIntervalCalculator(backoff_factor=0.5)
    return [
        ConnectionErrorRetryHandler(max_retry_count=2, interval_calculator=backoff),
        RateLimitErrorRetryHandler(max_retry_count=2),
        ServerErrorRetryHandler(max_retry_count=2, interval_calculator=backoff),
    ]


def build_web_client(
    settings: Settings, retry_handlers: list[RetryHandler] | None = None
) -> WebClient:
    return WebClient(
        token=settings.bot_token,
        base_url=settings.api_url,
        timeout=10,
        retry_handlers=default_retry_handlers() if retry_handlers is None else retry_handlers,
    )
