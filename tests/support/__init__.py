"""Helpers the tests share: real servers on 127.0.0.1, the web app in a thread."""
