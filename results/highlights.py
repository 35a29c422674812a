"""Strengths and gaps: the one rule every page, report and export uses to pick them.

Pure (no database). A score is read against its bar, the threshold of the stage
in question (set per catalogue edition):
- an answered indicator's bar is the threshold of its own stage;
- an area's bar is the threshold of the first stage it has not attained yet,
  among the stages with something to score there (or of the last such stage
  once it has attained them all).
A strength reaches its bar; a gap falls short of it. So a 100-point answer is
never a gap and a low one never a strength, however few answers an area has.
What is not answered yet, or has nothing to score, is neither: pages list it
as 未回答, never as a gap at 0 points. Strengths come highest margin
(score − bar) first, gaps lowest first, then by their order as given.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

HIGHLIGHTS = 3  # strengths and gaps listed at most


class StageStep(Protocol):
    """An area at one stage: results.dashboard.StageStep, the ladder pages show."""

    threshold: float
    score: float | None  # None: nothing to score at this stage in the area
    attained: bool


def area_bar(stages: Sequence[StageStep]) -> float | None:
    """The threshold an area is measured against (None: no stage has anything to score)."""
    scored = [stage for stage in stages if stage.score is not None]
    if not scored:
        return None
    return next((stage.threshold for stage in scored if not stage.attained), scored[-1].threshold)


def split[T](
    items: Iterable[T],
    score: Callable[[T], float | None],
    bar: Callable[[T], float | None],
    count: int = HIGHLIGHTS,
) -> tuple[list[T], list[T]]:
    """(strengths, gaps) among `items`, at most `count` each; items without a score or a bar
    are in neither."""
    measured = []
    for position, item in enumerate(items):
        value, threshold = score(item), bar(item)
        if value is not None and threshold is not None:
            measured.append((value - threshold, position, item))
    strengths = sorted((m for m in measured if m[0] >= 0), key=lambda m: (-m[0], m[1]))
    gaps = sorted((m for m in measured if m[0] < 0), key=lambda m: (m[0], m[1]))
    return [m[2] for m in strengths[:count]], [m[2] for m in gaps[:count]]
