"""The rules: plain functions taking a DB session and the acting user. No Reflex import."""
