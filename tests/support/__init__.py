"""Helpers the tests share: seed documents and KB builders, real servers on 127.0.0.1, ``makb`` in-process."""
