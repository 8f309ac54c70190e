"""The one date layer: time frames as printed -> value, period start and end."""

from __future__ import annotations

import datetime as dt

import pytest

from kb.text.dates import due_date, parse_date, period_end, period_start, when

D = dt.date


@pytest.mark.parametrize(("printed", "value", "start", "end"), [
    ("By 30 March 2020", "2020-03-30", D(2020, 3, 30), D(2020, 3, 30)),
    ("Q3 2021", "2021-09", D(2021, 7, 1), D(2021, 9, 30)),
    ("2009 2010", "2010", D(2009, 1, 1), D(2010, 12, 31)),
    ("2020\u20132021", "2021", D(2020, 1, 1), D(2021, 12, 31)),
    ("12/2011", "2011-12", D(2011, 12, 1), D(2011, 12, 31)),
    ("December 2021", "2021-12", D(2021, 12, 1), D(2021, 12, 31)),
    ("2021-06-30", "2021-06-30", D(2021, 6, 30), D(2021, 6, 30)),
    ("end of 2020", "2020-12", D(2020, 12, 1), D(2020, 12, 31)),
    ("2020/02", "2020-02", D(2020, 2, 1), D(2020, 2, 29)),
    ("2022", "2022", D(2022, 1, 1), D(2022, 12, 31)),
    ("By\u00a031\u00a0December\u00a02021", "2021-12-31", D(2021, 12, 31), D(2021, 12, 31)),
])
def test_time_frames(printed: str, value: str, start: dt.date, end: dt.date) -> None:
    w = when(printed)
    assert (w.value, w.start, w.end) == (value, start, end)
    assert w.span == (start, end)
    assert due_date(printed) == value
    assert period_end(value) == end


@pytest.mark.parametrize("printed", ["Ongoing", "Done", "Unknown", "Continuous", "31 February 2020", "2020/13", ""])
def test_words_and_impossible_dates_keep_their_text_and_give_no_date(printed: str) -> None:
    w = when(printed)
    assert w.value is None and w.span is None
    assert w.text == printed
    assert due_date(printed) is None


def test_parse_date_leaves_years_alone() -> None:
    """A completion date or an "[Added: ...]" stamp is never a bare year; a time frame may be."""
    assert parse_date("2019") is None and due_date("2019") == "2019"
    assert parse_date("2009 2010") is None and due_date("2009 2010") == "2010"
    assert parse_date("11/2019") == "2019-11"


def test_period_start_of_values() -> None:
    assert period_start("2021-09") == D(2021, 9, 1) and period_start("2021") == D(2021, 1, 1)


def test_period_end_of_values() -> None:
    assert period_end("2024-02") == D(2024, 2, 29)
    assert period_end("2021") == D(2021, 12, 31)
    assert period_end("2021-02-30") is None
    assert period_end("not a date") is None and period_end(None) is None
