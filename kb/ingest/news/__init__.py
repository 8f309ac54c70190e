"""News releases: organisations, people, places, money, agreements and projects, each with its evidence."""

from kb.ingest.news.parser import KIND, PARSER_VERSION, parse, parse_many, sniff

__all__ = ["KIND", "PARSER_VERSION", "parse", "parse_many", "sniff"]
