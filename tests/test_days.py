"""Browsing by listing day, in the store: the day sort, the days of a view, the date sort's key for
papers dated without a year; and the list's lines of day headers and papers."""

from __future__ import annotations

import datetime

import pytest

from papershelf.loaders.store import days
from papershelf.loaders.store.browse import Browser
from papershelf.loaders.store.database import Store
from papershelf.loaders.store.listing_dates import month_day
from papershelf.tui.state.days import DayGroups, day_name

SAMPLE_DAYS = [("2025-08-14", 50), ("2025-06-18", 44), ("2025-06-06", 48), (None, 192)]


def listing_days(store: Store, ids) -> list[str | None]:
    found = dict(store.conn.execute("SELECT id, listing_date FROM papers"))
    return [found[paper_id] for paper_id in ids]


def test_the_day_sort_is_newest_day_first_in_page_order_and_undated_last(sample_store):
    browser = Browser(sample_store)
    ids = browser.paper_ids("day")
    assert sorted(ids) == sorted(browser.paper_ids("listing"))
    shown = listing_days(sample_store, ids)
    dated = [day for day in shown if day]
    assert dated == sorted(dated, reverse=True) and shown[len(dated) :] == [None] * 192
    first_day = [paper_id for paper_id, day in zip(ids, shown, strict=True) if day == "2025-08-14"]
    assert first_day == sorted(first_day)  # the page's order within a day

    assert browser.day_runs(ids) == SAMPLE_DAYS == browser.day_counts()
    reversed_ids = browser.paper_ids("day", reverse=True)
    assert browser.day_runs(reversed_ids) == [*SAMPLE_DAYS[2::-1], SAMPLE_DAYS[3]]
    assert browser.day_counts(reverse=True) == browser.day_runs(reversed_ids)


def test_the_days_of_any_view_and_of_papers_in_any_order(sample_store):
    browser = Browser(sample_store)
    ids = list(browser.paper_ids("listing"))
    assert browser.days_of(ids) == SAMPLE_DAYS
    assert browser.days_of(ids[::7]) == browser.days_of(list(reversed(ids[::7])))
    assert len(ids[::7]) < days.READ_ALL_FROM  # the few are looked up, the many scanned: same answer
    assert browser.days_of([]) == [] and browser.day_runs([]) == []


def test_a_date_without_a_year_sorts_by_the_year_of_its_listing_day(sample_store):
    browser = Browser(sample_store)
    rows = sample_store.conn.execute("SELECT id, published, published_text, listing_date FROM papers")
    key = {
        paper_id: published or (text and day and days.yearless_key(text, day))
        for paper_id, published, text, day in rows
    }
    (jan_28,) = sample_store.conn.execute(
        "SELECT id FROM papers WHERE published_text = 'Jan 28' AND published IS NULL LIMIT 1"
    ).fetchone()
    assert key[jan_28] == "2025-01-28"  # listed 2025-06-18
    for reverse in (False, True):
        ids = list(browser.paper_ids("date", reverse))
        assert sorted(ids) == sorted(browser.paper_ids("listing"))
        keys = [key[paper_id] for paper_id in ids]
        dated = [k for k in keys if k]
        assert dated == sorted(dated, reverse=not reverse) and not any(keys[len(dated) :])
        assert len([k for k in dated if len(k) == 10 and k[5:] in ("01-28", "02-03")]) >= 3
    # The stored date never guesses a year.
    stored = sample_store.conn.execute("SELECT published FROM papers WHERE id = ?", [jan_28]).fetchone()
    assert stored == (None,)


def test_yearless_keys_and_month_days():
    assert days.yearless_key("Jan 28", "2025-06-18") == "2025-01-28"
    assert days.yearless_key("Jan 28, 2024", "2025-06-18") is None  # dated: `published` sorts it
    assert days.yearless_key("yesterday", "2025-06-18") is None
    assert month_day("Feb 29") == (2, 29, None) and month_day("Feb 30") is None
    assert month_day("Sept. 3, 2024") == (9, 3, 2024)


def test_days_as_lines_headers_before_each_day():
    groups = DayGroups(["2025-08-14", "2025-06-18", None], [2, 3, 1])
    assert groups.line_count(6) == 9
    lines = [groups.at_line(line) for line in range(9)]
    assert lines == [
        (0, None),
        (None, 0),
        (None, 1),
        (1, None),
        (None, 2),
        (None, 3),
        (None, 4),
        (2, None),
        (None, 5),
    ]
    assert [groups.line_of(position) for position in range(6)] == [1, 2, 4, 5, 6, 8]
    assert [groups.day_of(position) for position in range(6)] == [0, 0, 1, 1, 1, 2]
    today = datetime.date(2025, 12, 1)
    assert groups.label(1, today) == "Jun 18 · 3 papers"
    assert groups.label(2, today) == "No listing day · 1 paper"
    assert DayGroups(["2026-01-02", "2025-12-31"], [1, 1]).label(0, today) == "Jan 2, 2026 · 1 paper"


@pytest.mark.parametrize(
    ("day", "with_year", "shown"),
    [
        ("2025-06-18", False, "Jun 18"),
        ("2025-06-18", True, "Jun 18, 2025"),
        ("2024-06-18", False, "Jun 18, 2024"),
    ],
)
def test_day_names_give_the_year_when_it_is_not_this_one(day, with_year, shown):
    assert day_name(day, with_year, datetime.date(2025, 7, 1)) == shown
