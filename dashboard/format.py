"""How numbers, dates and levels read on screen: Chinese first, money in 万元/亿元, levels as colour
and text. The words are triggers.vocabulary's and the number formats triggers.wording's, re-exported
here for the pages."""

from triggers.vocabulary import FINDING_KINDS, GROUPS, LEVEL_WORDS, LEVELS, STATUS, SUBSIDY
from triggers.wording import day, money, month, pct

__all__ = [
    "FINDING_KINDS",
    "GROUPS",
    "LEVELS",
    "LEVEL_WORDS",
    "STATUS",
    "SUBSIDY",
    "day",
    "level_text",
    "money",
    "month",
    "pct",
]


def level_text(level: str) -> str:
    """Return the Chinese word of a light."""
    return LEVEL_WORDS.get(level, level)
