"""Pure domain rules: no Flask, no SQLAlchemy, no models (a test enforces it)."""
