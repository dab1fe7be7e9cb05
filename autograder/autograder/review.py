"""`course review`: an instructor's decision on a submission whose score is withheld.

``course grade`` withholds a submission's autograded score when a canary test passed
(*tampered*: the notebook's process interfered with the tests) or when the integrity
scan reported anything. A withheld score counts 0 in grades.csv until an instructor
looks and decides:

- ``course review`` lists what awaits a decision, tampered submissions first;
- ``course review LESSON STUDENT --accept`` releases the autograded score;
- ``course review LESSON STUDENT --reject`` keeps it at 0, and says so.

A decision is kept in ``<workspace>/reviews/<lesson>/<student>.json`` with the SHA-256 of
the notebook it was made on: a re-submission needs a new decision.
"""

from __future__ import annotations

import getpass
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from autograder.config import Course
from autograder.workspace import SubmissionResult, write_atomically

ACCEPT, REJECT = "accept", "reject"


@dataclass(frozen=True)
class Review:
    """An instructor's decision on one submission."""

    decision: str  # ACCEPT or REJECT
    submission_sha256: str
    by: str
    at: str
    note: str = ""


def read_review(course: Course, lesson_id: str, student: str) -> Review | None:
    try:
        path = course.layout.review_path(lesson_id, student)
        raw = json.loads(path.read_text(encoding="utf-8"))
        return Review(**raw)
    except (OSError, ValueError, TypeError):
        return None


def withheld_reason(course: Course, result: SubmissionResult | None) -> str:
    """Why this result's autograded score does not count ("" when it counts).

    A result that ``course grade`` withheld counts only after an accepting review of the
    same notebook; a rejecting review keeps it withheld, with the instructor's words.
    """
    if not result or not result.withheld:
        return ""
    review = read_review(course, result.lesson, result.student)
    if review is None or review.submission_sha256 != result.submission_sha256:
        return f"awaits review: {result.withheld}"
    if review.decision == ACCEPT:
        return ""
    return "rejected on review" + (f": {review.note}" if review.note else "")


def decide(course: Course, lesson_id: str, student: str, decision: str, note: str = "") -> Review:
    """Record ``decision`` for the submission as last graded; ValueError if it was not
    graded or nothing about it is withheld."""
    if decision not in (ACCEPT, REJECT):
        raise ValueError(f"a decision is {ACCEPT!r} or {REJECT!r}, not {decision!r}")
    result = course.layout.read_result(lesson_id, student)
    if result is None:
        raise ValueError(f"{student} has no graded submission of {lesson_id}")
    if not result.withheld:
        raise ValueError(f"nothing of {student}'s {lesson_id} is withheld")
    review = Review(
        decision=decision,
        submission_sha256=result.submission_sha256,
        by=getpass.getuser(),
        at=datetime.now(UTC).isoformat(timespec="seconds"),
        note=note,
    )
    path = course.layout.review_path(lesson_id, student)
    write_atomically(path, json.dumps(review.__dict__, indent=1))
    return review


def pending(course: Course) -> list[dict[str, Any]]:
    """Results (as dicts) whose score is withheld with no decision on their notebook:
    tampered first, then by lesson and student."""
    results, _ = course.layout.results([lesson.id for lesson in course.lessons])
    waiting = [
        asdict(result)
        for result in results
        if result.withheld and withheld_reason(course, result).startswith("awaits review")
    ]
    return sorted(waiting, key=lambda r: (not r["tampered"], r["lesson"], r["student"]))
