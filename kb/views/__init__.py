"""Page models for the web: plain data for templates (no Flask, no HTML)."""
