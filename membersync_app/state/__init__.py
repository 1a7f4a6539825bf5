"""Reflex states: thin handlers that read the signed-in user, call a service, set vars."""
