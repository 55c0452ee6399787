"""The day headers of a list in the day sort: which line is a header, which a paper, and back.

A list of N papers in D days has N + D lines, a header before each day's first paper. Headers are
not papers: positions (the cursor, the counts, every action) count papers only, and the list maps
them to lines. Built once per view or filter result, O(D); each lookup is a binary search.
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

from papershelf.loaders.text import plural

NO_DAY = "No listing day"


class DayGroups:
    """Runs of papers of one listing day, in the order shown: each day (ISO, None for no listing
    day) with its number of papers."""

    def __init__(self, days: Sequence[str | None], counts: Sequence[int]):
        self.days = tuple(days)
        self.counts = tuple(counts)
        self.starts = [0, *accumulate(self.counts)][:-1]  # each day's first paper
        self.header_lines = [start + n for n, start in enumerate(self.starts)]
        years = {day[:4] for day in self.days if day}
        self._with_year = len(years) > 1  # a view spanning years says each day's

    @classmethod
    def of_runs(cls, runs: Sequence[tuple[str | None, int]]) -> DayGroups:
        return cls([day for day, _ in runs], [count for _, count in runs])

    def __len__(self) -> int:
        return len(self.days)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DayGroups) and (self.days, self.counts) == (other.days, other.counts)

    __hash__ = None  # type: ignore[assignment]

    @property
    def papers(self) -> int:
        return sum(self.counts)

    def line_count(self, papers: int) -> int:
        return papers + len(self.days)

    def at_line(self, line: int) -> tuple[int | None, int | None]:
        """(the day whose header is on `line`, None) or (None, the position of the paper on it)."""
        group = bisect_right(self.header_lines, line) - 1
        if group < 0:
            return None, line
        if self.header_lines[group] == line:
            return group, None
        return None, line - group - 1

    def day_of(self, position: int) -> int:
        """The day (its index) of the paper at `position`."""
        return max(0, bisect_right(self.starts, position) - 1)

    def line_of(self, position: int) -> int:
        return position + self.day_of(position) + 1 if self.days else position

    def label(self, group: int, today: datetime.date | None = None) -> str:
        """`Jun 18 · 44 papers`: the year too when it is not this year's or the view spans years."""
        return f"{self.day_name(group, today)} · {plural(self.counts[group], 'paper')}"

    def day_name(self, group: int, today: datetime.date | None = None) -> str:
        day = self.days[group]
        if day is None:
            return NO_DAY
        return day_name(day, self._with_year, today)


def day_name(day: str, with_year: bool = False, today: datetime.date | None = None) -> str:
    """An ISO day as the site names it, `Jun 18`; `Jun 18, 2025` when asked or not this year."""
    try:
        date = datetime.date.fromisoformat(day)
    except ValueError:
        return day
    this_year = (today or datetime.date.today()).year
    return date.strftime("%b %-d, %Y" if with_year or date.year != this_year else "%b %-d")
