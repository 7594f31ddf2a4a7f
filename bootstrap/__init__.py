"""The composition root: the one package that imports every layer and wires them together.

app.py assembles the application (`build_app`) and the API over it (`create_wsgi_app`);
wsgi.py is gunicorn's entry point; cli/ is the `placements` command line, bench/ the benchmarks,
demo/ the demo consortium. This file imports nothing, so a command pays only for what it uses.
"""
