"""Settings read from the environment: where the server listens, when cookies need HTTPS."""

import importlib

import pytest

import rxconfig
from membersync_app import settings


def test_the_server_listens_on_every_interface_unless_told(monkeypatch):
    monkeypatch.delenv("MEMBERSYNC_LISTEN_HOST", raising=False)
    assert settings.listen_host() == "0.0.0.0"
    monkeypatch.setenv("MEMBERSYNC_LISTEN_HOST", "127.0.0.1")
    assert settings.listen_host() == "127.0.0.1"


def test_reflex_is_configured_with_the_listening_address(monkeypatch):
    monkeypatch.setenv("MEMBERSYNC_LISTEN_HOST", "127.0.0.1")
    try:
        assert importlib.reload(rxconfig).config.backend_host == "127.0.0.1"
    finally:
        monkeypatch.delenv("MEMBERSYNC_LISTEN_HOST")
        importlib.reload(rxconfig)


@pytest.mark.parametrize(("base_url", "secure"), [
    ("https://members.example.com", True), ("http://localhost:3000", False), ("", False)])
def test_cookies_are_secure_when_the_app_is_served_over_https(monkeypatch, base_url, secure):
    monkeypatch.setenv("MEMBERSYNC_BASE_URL", base_url)
    assert settings.cookies_secure() is secure
