"""services/listing.py: what "Rows per page" and "Go to page" accept from a client."""

import pytest

from membersync_app.services.errors import ServiceError
from membersync_app.services.listing import PAGE_SIZES, chosen_page_size, page_to_open


@pytest.mark.parametrize("size", [10, "20", " 50 ", 100])
def test_the_offered_page_sizes_are_taken_as_text_or_numbers(size):
    assert chosen_page_size(size) in PAGE_SIZES
    assert chosen_page_size(size) == int(str(size).strip())


@pytest.mark.parametrize("size", [0, 1, 25, 101, 10_000, "1e2", "-10", "", None, True,
                                  {"size": 10}, [10], 10.0])
def test_any_other_page_size_is_refused_with_the_choices(size):
    with pytest.raises(ServiceError) as refused:
        chosen_page_size(size)
    assert refused.value.message == "Show 10, 20, 50 or 100 rows per page."
    assert refused.value.field == "page_size"


@pytest.mark.parametrize(("typed", "page_count", "page"), [
    ("3", 5, 3), (" 5 ", 5, 5), ("0", 5, 1), ("90", 12, 12), (4, 12, 4),
    ("2147483647", 2, 2), ("1", 0, 1),
])
def test_go_to_page_is_clamped_to_the_pages_there_are(typed, page_count, page):
    assert page_to_open(typed, page_count) == page


@pytest.mark.parametrize("typed", ["", "two", "-1", "1.5", None, {"page": 1}, True,
                                   "999999999999999999"])
def test_go_to_page_refuses_what_is_not_a_page_number(typed):
    with pytest.raises(ServiceError) as refused:
        page_to_open(typed, 7)
    assert refused.value.message == "Type a page number from 1 to 7."
