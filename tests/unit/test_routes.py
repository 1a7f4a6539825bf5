"""Where sign-in may send the browser next: only paths on this site."""

import pytest

from membersync_app import routes


@pytest.mark.parametrize("path", ["/dashboard", "/dashboard/org/3?tab=members", "/invite/abc-_12"])
def test_local_paths_are_followed(path):
    assert routes.safe_next(path, "/fallback") == path


@pytest.mark.parametrize(
    "path",
    [None, "", "dashboard", "//evil.example", "/\\evil.example", "https://evil.example/",
     "/dash\nboard", "/\tx"],
)
def test_anything_else_falls_back(path):
    assert routes.safe_next(path, "/fallback") == "/fallback"


def test_login_with_next_keeps_the_path_readable():
    assert routes.login_with_next("/dashboard/org/7") == "/login?next=/dashboard/org/7"
