"""Read model of pieces: `solve_pieces`, and the projections that fill them from the aggregates
(`@projects`, placements/readmodel.py). The commands and queries are in placements/pieces.py."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, Integer, String, Table

from placements.readmodel import metadata

# Job bookkeeping, not a projection: the log records the split (`Solve.Split`) and the joined
# solution (`Solve.Completed`); these rows carry the work in between.
solve_pieces = Table(
    "solve_pieces", metadata,
    Column("solve", String(36), primary_key=True),
    Column("piece", Integer, primary_key=True),
    Column("requests", JSON, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("worker", String),  # of the latest attempt
    Column("started", Float),  # epoch seconds, first attempt
    Column("finished", Float),  # epoch seconds; set with `result`, once
    Column("result", JSON),  # solver.allocate.solve_piece's
    info={"projected": False},
)
