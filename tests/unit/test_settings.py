"""Settings read from the environment: checked at once, each bad variable named; where the
server listens; when cookies need HTTPS."""

import importlib

import pytest

import rxconfig
from membersync_app import cli, settings
from membersync_app.settings import SettingsError, read_settings


def test_defaults_need_no_environment():
    values = read_settings({})
    assert (values.database_url, values.base_url, values.listen_host, values.smtp) == (
        "sqlite:///membersync.db", "http://localhost:3000", "0.0.0.0", None)


def test_smtp_settings_are_typed():
    values = read_settings({"MEMBERSYNC_SMTP_HOST": "mail.example.com",
                            "MEMBERSYNC_SMTP_PORT": "587", "MEMBERSYNC_SMTP_STARTTLS": "yes",
                            "MEMBERSYNC_BASE_URL": "https://members.example.com/"})
    assert (values.smtp.port, values.smtp.starttls) == (587, True)
    assert values.base_url == "https://members.example.com"


@pytest.mark.parametrize(("variable", "value"), [
    ("MEMBERSYNC_SMTP_PORT", "twenty-five"),
    ("MEMBERSYNC_SMTP_PORT", "70000"),
    ("MEMBERSYNC_SMTP_STARTTLS", "maybe"),
    ("MEMBERSYNC_BASE_URL", "localhost:3000"),
    ("MEMBERSYNC_DATABASE_URL", "mysql://db"),
    ("MEMBERSYNC_LISTEN_HOST", "everywhere"),
])
def test_a_bad_variable_is_named_in_one_clear_line(variable, value):
    with pytest.raises(SettingsError) as refused:
        read_settings({"MEMBERSYNC_SMTP_HOST": "mail.example.com", variable: value})
    assert str(refused.value).startswith(f"{variable}: ")
    assert "\n" not in str(refused.value)


def test_several_bad_variables_are_all_named():
    with pytest.raises(SettingsError) as refused:
        read_settings({"MEMBERSYNC_SMTP_HOST": "m", "MEMBERSYNC_SMTP_PORT": "x",
                       "MEMBERSYNC_BASE_URL": "nope"})
    assert "MEMBERSYNC_SMTP_PORT" in str(refused.value)
    assert "MEMBERSYNC_BASE_URL" in str(refused.value)


def test_the_command_line_stops_at_a_bad_setting(monkeypatch, capsys):
    monkeypatch.setenv("MEMBERSYNC_SMTP_HOST", "mail.example.com")
    monkeypatch.setenv("MEMBERSYNC_SMTP_PORT", "twenty-five")
    assert cli.main(["outbox"]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "membersync: settings: MEMBERSYNC_SMTP_PORT: Input should be a valid integer, "
        "unable to parse string as an integer"]


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
