"""The WSGI entry point gunicorn serves: `gunicorn bootstrap.wsgi:app` (settings from the
environment)."""

from bootstrap.app import create_wsgi_app

app = create_wsgi_app()
