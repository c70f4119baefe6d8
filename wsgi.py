"""WSGI entry point: ``gunicorn wsgi:app``. Refuses to start without a secret key and the keys, with a
wrong key, or with an unmigrated database."""

from caseapp import create_app
from caseapp.web.startup import self_test

app = create_app()
self_test(app)
