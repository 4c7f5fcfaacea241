"""Where else someone can get help: resources the review screen lists beside asking colleagues."""

from dataclasses import dataclass


@dataclass(frozen=True)
class SupportResource:
    label: str
    url: str
