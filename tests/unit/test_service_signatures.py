"""Every public service that acts for someone takes them as `actor=`, never by position.

docs/conventions.md: services are `verb(session, *, actor, ...)`. A positional actor lets a caller
swap the acting user with the next argument (an id, an organization) without any error; a keyword
cannot be swapped silently. This test finds the services by inspection, so a new one is covered.
"""

import importlib
import inspect
import pkgutil

import membersync_app.services as services_package

# The permission checks take nothing but the actor, so it is their one natural argument.
ACTOR_IS_THE_ONLY_ARGUMENT = {"permissions.require_staff", "permissions.require_signed_in",
                              "directory.visible_condition"}


def _public_services():
    for info in pkgutil.iter_modules(services_package.__path__):
        module = importlib.import_module(f"{services_package.__name__}.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                yield f"{info.name}.{name}", inspect.signature(function).parameters


def test_every_public_service_takes_the_actor_by_keyword():
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    checked = 0
    offenders = []
    for qualified, parameters in _public_services():
        if "actor" not in parameters or qualified in ACTOR_IS_THE_ONLY_ARGUMENT:
            continue
        checked += 1
        if parameters["actor"].kind in positional:
            offenders.append(qualified)
    assert checked > 50  # the discovery itself works
    assert not offenders, f"services taking `actor` by position: {offenders}"


def test_the_session_is_the_only_positional_argument_of_a_service_that_takes_an_actor():
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    offenders = [
        qualified for qualified, parameters in _public_services()
        if "actor" in parameters and qualified not in ACTOR_IS_THE_ONLY_ARGUMENT
        and [name for name, p in parameters.items() if p.kind in positional] != ["session"]
    ]
    assert not offenders, f"services with more than the session by position: {offenders}"
