"""Settings read from the environment, the same for every command and process."""

from __future__ import annotations

import os
from dataclasses import dataclass

from domain.capacity import DEFAULT_DISCIPLINES

DEFAULT_DATABASE_URL = "sqlite:///./placements.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    cipher_key: str | None = None
    solve_time_limit: float = 60.0
    # Split solves with more requests than this into pieces solved as separate jobs (None: the
    # solver's GLOBAL_LIMIT, below which L2 and L3 are settled across parts in one model).
    solve_split_above: int | None = None
    solve_piece_requests: int = 5000  # requests per piece, about
    disciplines: tuple[str, ...] = DEFAULT_DISCIPLINES

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            redis_url=env.get("REDIS_URL") or None,
            cipher_key=env.get("PLACEMENTS_CIPHER_KEY") or None,
            solve_time_limit=float(env.get("PLACEMENTS_SOLVE_TIME_LIMIT") or 60.0),
            solve_split_above=int(env["PLACEMENTS_SOLVE_SPLIT_ABOVE"])
            if env.get("PLACEMENTS_SOLVE_SPLIT_ABOVE") else None,
            solve_piece_requests=int(env.get("PLACEMENTS_SOLVE_PIECE_REQUESTS") or 5000),
            # Extra discipline codes, comma separated (e.g. "RT,PT_AIDE").
            disciplines=DEFAULT_DISCIPLINES + tuple(
                d.strip() for d in (env.get("PLACEMENTS_EXTRA_DISCIPLINES") or "").split(",")
                if d.strip()
            ),
        )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
