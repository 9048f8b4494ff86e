"""Reading an export's timestamps (no database)."""

from datetime import UTC, datetime

import pytest

from articles.portability.records import parse_timestamp


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2014-05-28T09:00:00Z", datetime(2014, 5, 28, 9, tzinfo=UTC)),
        ("2014-05-28 09:00:00", datetime(2014, 5, 28, 9, tzinfo=UTC)),
        ("2014-05-28T11:00:00+02:00", datetime(2014, 5, 28, 9, tzinfo=UTC)),
        ("0001-01-01T05:00:00+05:00", datetime(1, 1, 1, tzinfo=UTC)),
        ("9999-12-31T23:59:59Z", datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)),
    ],
)
def test_readable_times(value, expected):
    assert parse_timestamp(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "yesterday",
        "0000-00-00 00:00:00",
        # Readable, but before year 1 or after 9999 once in UTC.
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:00:00-05:00",
    ],
)
def test_missing_unreadable_or_out_of_range_times_are_none(value):
    assert parse_timestamp(value) is None
