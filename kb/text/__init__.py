"""Text handling shared by every parser: clean-up, dates, acceptance wording."""
