"""Derived tables beside the store: what the whole-KB analyses read, kept in step with every write."""

from kb.summary.tables import ANSWERED, Summary

__all__ = ["ANSWERED", "Summary"]
