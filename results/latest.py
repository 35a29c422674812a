"""Which round's results to show for a municipality: the newest round that has results.

A new fiscal year's round has no stored results (ScoreSnapshot) until its
first questionnaire is submitted, so pages that show "the municipality's
results" (the portfolio, the benchmark, the home pages) show the newest round
that has a municipality snapshot, and say so when that is not the newest
round (templates/includes/results_notice.html): e.g.
「2026年度（令和8年度）の回答期間中のため、2025年度（令和7年度）の結果を表示しています。」

`latest_rounds_with_results` answers for many municipalities in one query;
`latest_round_with_results` is the same rule for one.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from assessments.locking import before_opening
from assessments.models import Round, RoundStatus
from municipalities.models import Municipality
from results.models import ScoreSnapshot


@dataclass(frozen=True)
class LatestResults:
    """A municipality's newest round, and the newest round with results (the one to show)."""

    newest: Round | None
    round: Round | None

    @property
    def is_earlier(self) -> bool:
        """The results shown are an earlier round's: the newest has none yet."""
        return self.round is not None and self.newest is not None and self.round != self.newest

    @property
    def newest_state(self) -> str:
        """Why the newest round has no results, for the notice: "not_started" (before its
        answering period), "answering" (open) or "no_results" (closed without results)."""
        if self.newest is None or self.newest.status != RoundStatus.OPEN:
            return "no_results"
        return "not_started" if before_opening(self.newest) else "answering"


def latest_rounds_with_results(
    municipalities: Iterable[Municipality], *, up_to_year: int | None = None
) -> dict[int, LatestResults]:
    """municipality id → its LatestResults, for each of `municipalities` (one query).

    up_to_year: only rounds of that fiscal year and before count (a page about an
    earlier round never shows a later year's results).
    """
    by_id = {municipality.pk: municipality for municipality in municipalities}
    # When the round's municipality snapshot was computed (None: it has none), which also
    # names the results' state for a cache (results.page_cache).
    rounds = Round.objects.filter(municipality_id__in=by_id).annotate(
        results_computed_at=Subquery(
            ScoreSnapshot.objects.filter(round=OuterRef("pk"), department__isnull=True).values(
                "computed_at"
            )[:1]
        )
    )
    if up_to_year is not None:
        rounds = rounds.filter(fiscal_year__lte=up_to_year)
    newest: dict[int, Round] = {}
    with_results: dict[int, Round] = {}
    for round_ in rounds.select_related("edition").order_by("municipality_id", "-fiscal_year"):
        # The caller's municipality object (with whatever it has loaded) stands for the round's.
        round_.municipality = by_id[round_.municipality_id]
        newest.setdefault(round_.municipality_id, round_)
        if round_.results_computed_at is not None:
            with_results.setdefault(round_.municipality_id, round_)
    return {pk: LatestResults(newest.get(pk), with_results.get(pk)) for pk in by_id}


def latest_round_with_results(
    municipality: Municipality, *, up_to_year: int | None = None
) -> LatestResults:
    """The municipality's newest round and newest round with results (one query)."""
    return latest_rounds_with_results([municipality], up_to_year=up_to_year)[municipality.pk]
