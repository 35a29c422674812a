"""A municipality's results across its rounds, read through the catalogue's edition mappings.

A trend runs over the municipality's rounds up to the one shown (one round
per fiscal year) that have a municipality snapshot, oldest first. The
overall score of each round is the one stored for it, except that a round on
an earlier edition leaves out the answers that map only into a foundation area
of the current edition (results.scoring rule 6): 2.3 scored its governance
items inside the ladder, and the FY2026 edition scores them beside it, so the
2.3 overall re-read this way compares like with like. Area scores are shown
in the areas of the round being looked at (the current edition):

- a round on the same edition shows its stored area scores;
- a round on an earlier edition is re-read through the catalogue's lineage
  (frameworks.lineage, the rule the action plan follows too): each of its
  indicators counts in the current areas of the indicators continuing it
  (same, split or merged, edition after edition), and the earlier figure for a current area is the weighted mean of
  those earlier answers' stored contributions, Σ(weight × score) ÷ Σ(weight),
  the same rule the area score follows. So when edition 2.3 merges 2.0's
  行政手続のオンライン化 (ONL-*) into マイナンバーカード, the 2.0 round's
  マイナンバーカード figure includes its ONL-* answers, and 2.0's separate
  オンライン化 area does not appear as an area of its own. An area new in
  the later edition (フロントヤード改革) has a figure for an earlier round
  only when an earlier indicator maps into it (a split), else none (—);
- a round on an edition outside the current edition's chain of predecessors
  (another framework) is matched by area code, as the best there is.

Queries, whatever the number of rounds: one for the earlier snapshots, and
two more only when one of them is on another edition (frameworks.lineage).
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from assessments.models import Round
from dxportal.number_format import rounded_decimal
from frameworks.lineage import LineageGraph, lineage_graph
from results.cards import StoredCard
from results.models import ScoreSnapshot

# An earlier edition's indicator code → the current edition's area codes it counts in.
AreaMap = dict[str, frozenset[str]]


@dataclass(frozen=True)
class TrendPoint:
    round: Round
    overall: float | None
    areas: list[float | None]  # in the order of Trend.area_codes

    @property
    def fiscal_year(self) -> int:
        return self.round.fiscal_year


@dataclass(frozen=True)
class Trend:
    area_codes: list[str]
    area_names: list[str]
    points: list[TrendPoint]  # oldest first; the last is the round shown

    @property
    def previous(self) -> TrendPoint | None:
        return self.points[-2] if len(self.points) > 1 else None

    def summary(self) -> str:
        """One sentence for screen readers: how the overall score moved from the first round."""
        first, last = self.points[0], self.points[-1]
        if len(self.points) < 2 or first.overall is None or last.overall is None:
            return _("比べられる過去の結果はまだありません。")
        # The sentence states the numbers the table shows (dxportal.number_format), and
        # the change between them, so it never says 変わりません beside 62.2 and 62.3.
        first_score, last_score = rounded_decimal(first.overall), rounded_decimal(last.overall)
        change = last_score - first_score
        if change == 0:
            template = _(
                "総合得点は{first_year}年度から{last_year}年度まで{last:.1f}点で変わりません。"
            )
        elif change > 0:
            template = _(
                "総合得点は{first_year}年度の{first:.1f}点から{last_year}年度の{last:.1f}点へ"
                "{change:.1f}点上がりました。"
            )
        else:
            template = _(
                "総合得点は{first_year}年度の{first:.1f}点から{last_year}年度の{last:.1f}点へ"
                "{change:.1f}点下がりました。"
            )
        return template.format(
            first_year=first.fiscal_year,
            last_year=last.fiscal_year,
            first=first_score,
            last=last_score,
            change=abs(change),
        )


# --- pure helpers ---------------------------------------------------------------------------


def area_maps(graph: LineageGraph, current_edition: int) -> dict[int, AreaMap]:
    """For the current edition and each edition before it: indicator code → the current
    areas of the indicators continuing it (frameworks.lineage's one rule)."""
    maps: dict[int, AreaMap] = {}
    for edition in graph.chain(current_edition):
        maps[edition] = {
            code: frozenset(node.area_code for node in successors)
            for code, successors in graph.code_map(edition, current_edition).items()
        }
    return maps


def ladder_overall(
    card: StoredCard, area_map: AreaMap, foundation_areas: frozenset[str]
) -> float | None:
    """An earlier card's overall score without the answers that map only into the current
    edition's foundation areas; with no foundation, the stored overall score."""
    if not foundation_areas:
        return card.overall_score
    kept = [
        c
        for c in card.contributions()
        if not (area_map.get(c.code) and area_map[c.code] <= foundation_areas)
    ]
    weight = sum(c.weight for c in kept)
    return sum(c.weight * c.score for c in kept) / weight if weight > 0 else None


def mapped_area_scores(card: StoredCard, area_map: AreaMap) -> dict[str, float]:
    """The weighted mean of the card's answers per current area they map into."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for contribution in card.contributions():
        for area in area_map.get(contribution.code, ()):
            sums[area][0] += contribution.weight * contribution.score
            sums[area][1] += contribution.weight
    return {area: total / weight for area, (total, weight) in sums.items() if weight > 0}


# --- the selector -----------------------------------------------------------------------------


def area_maps_for(round_: Round) -> dict[int, AreaMap]:
    """The lineage maps of the round's edition and its predecessors (two queries)."""
    return area_maps(lineage_graph(round_.edition.framework_id), round_.edition_id)


def trend_for(
    round_: Round, current_card: StoredCard, area_codes: Sequence[str], names: Sequence[str]
) -> Trend:
    """The round's trend: its earlier rounds' results and its own (`current_card`)."""
    earlier = list(
        ScoreSnapshot.objects.filter(
            round__municipality_id=round_.municipality_id,
            round__fiscal_year__lt=round_.fiscal_year,
            department__isnull=True,
        )
        .select_related("round")
        .order_by("round__fiscal_year")
    )
    maps = (
        area_maps_for(round_)
        if any(s.round.edition_id != round_.edition_id for s in earlier)
        else {}
    )
    foundation_areas = frozenset(area.area for area in current_card.foundation_areas)
    points = []
    for snapshot in earlier:
        edition = snapshot.round.edition_id
        overall = snapshot.overall_score
        if edition == round_.edition_id:
            by_area: dict[str, float | None] = snapshot.read.area_scores()
        elif edition in maps:
            by_area = dict(mapped_area_scores(snapshot.read, maps[edition]))
            overall = ladder_overall(snapshot.read, maps[edition], foundation_areas)
        else:
            by_area = snapshot.read.area_scores()
        points.append(
            TrendPoint(
                round=snapshot.round,
                overall=overall,
                areas=[by_area.get(code) for code in area_codes],
            )
        )
    own = current_card.area_scores()
    points.append(
        TrendPoint(
            round=round_,
            overall=current_card.overall_score,
            areas=[own.get(code) for code in area_codes],
        )
    )
    return Trend(area_codes=list(area_codes), area_names=list(names), points=points)
