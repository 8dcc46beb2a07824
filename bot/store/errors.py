"""The store's one error type: what went wrong with the database, said so a user can act."""

from __future__ import annotations


class StoreError(Exception):
    """The database cannot do what was asked (locked, unreachable, newer than this code, ...).

    The message is written for a person (CLI stderr line, Discord ephemeral reply), never a
    raw driver traceback.
    """


class ResourceIdTaken(Exception):
    """The chosen resource id belongs to another server's addition: pick another."""
