"""Shared UI pieces: layout, forms, tables, modals, charts."""
