"""The synthetic corpus: shared types (``model``), word lists, and the generators of each document kind."""
