"""The `placements` command line: one module per command family, joined in main.py."""
