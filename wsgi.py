"""WSGI entry point: ``gunicorn wsgi:app``. Refuses to start without a secret key and a key-encryption key."""

from caseapp import create_app

app = create_app()
