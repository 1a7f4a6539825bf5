"""The numbers and words states show for dates and bars."""

from datetime import UTC, datetime

import pytest

from membersync_app.services.display import expiry_text, percent


def test_expiry_is_a_date_or_never():
    assert expiry_text(datetime(2027, 1, 31, 23, 59, 59, tzinfo=UTC)) == "2027-01-31"
    assert expiry_text(None) == "never"


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(0, 10, 0), (1, 3, 33), (2, 3, 67), (10, 10, 100), (12, 10, 100), (5, 0, 0)],
)
def test_percent_fills_a_bar_without_overflowing(part, whole, expected):
    assert percent(part, whole) == expected
