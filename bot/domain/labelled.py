"""Choices people pick from, each with its stored value and the words shown for it."""

from enum import StrEnum
from typing import Self


class LabelledEnum(StrEnum):
    """A StrEnum whose members are written `NAME = "value", "Label"`: the value is what is stored
    and sent in Slack payloads, the label what a person reads. Keeping both on one line means a
    new member cannot be added without its words."""

    label: str

    def __new__(cls, value: str, label: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member
