"""What is wrong with one field of a submitted form, as data: the services and the form readers
say which field and why, and bot/slack/blocks/ puts it in words."""

from dataclasses import dataclass
from enum import StrEnum


class Fault(StrEnum):
    MISSING = "missing"  # nothing typed or chosen
    OUT_OF_RANGE = "out_of_range"  # a number outside what may be chosen (up to `limit`)
    TOO_LONG = "too_long"  # the text, or one `item` of a list, over `limit` characters
    TOO_MANY = "too_many"  # a list of `given` items, more than `limit`
    TAKEN = "taken"  # another one already has `item`
    UNKNOWN = "unknown"  # not a value the app knows, such as a time zone name
    TOO_EARLY = "too_early"  # not after what it must follow, such as the working day's start


@dataclass(frozen=True)
class FieldProblem:
    fault: Fault
    limit: int | None = None
    given: int | None = None
    item: str | None = None
