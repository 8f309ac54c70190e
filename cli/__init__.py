"""The ``makb`` command line, above both ``kb`` and ``webapp``."""
