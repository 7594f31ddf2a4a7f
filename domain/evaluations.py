"""End-of-placement evaluations: of the student (by its preceptor, through the site's employer)
and of the site (by the student, through its coordinator). One per placement and subject; its
id is derived from both, so a second submission is refused, even under concurrency."""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.base import Aggregate, require, stored_date, typed_date

SUBJECTS = ("student", "site")
OWED_BY = {"student": "employer", "site": "coordinator"}  # subject -> role that submits it


class Evaluation(Aggregate):
    @staticmethod
    def create_id(placement: str, of: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"placements:evaluation:{placement}:{of}")

    @event("Submitted")
    def __init__(self, actor: str, placement: str, of: str, scores: dict[str, int],
                 comments: str | None, submitted_on: str):
        self.placement = placement
        self.of = of
        self.scores = scores
        self.comments = comments
        self.submitted_on = typed_date(submitted_on)

    @classmethod
    def submit(cls, actor: str, placement: str, of: str, scores: dict, comments: str | None,
               submitted_on: date) -> Evaluation:
        require(of in SUBJECTS, "of", f"must be one of {', '.join(SUBJECTS)}")
        require(isinstance(scores, dict) and bool(scores), "scores", "name at least one score")
        for name, score in scores.items():
            require(isinstance(name, str) and 0 < len(name.strip()) <= 100, "scores",
                    f"score names are 1..100 characters: {name!r}")
            require(isinstance(score, int) and not isinstance(score, bool) and 1 <= score <= 5,
                    f"scores.{name}", "must be an integer 1..5")
        require(comments is None or isinstance(comments, str), "comments", "must be text")
        return cls(actor, placement, of, {k.strip(): v for k, v in scores.items()},
                   (comments or "").strip() or None, stored_date(submitted_on))
