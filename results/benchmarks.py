"""Benchmarks: one municipality's results against its peers, and a consultant's portfolio.

Peers of a round are the municipality snapshots (department empty) of every
round in the same fiscal year on the same catalogue edition, in four groups
(PEER_GROUPS): the same kind (Municipality.kind), the same 人口規模区分
(municipalities.size_bands: 町 and 村 share their steps; a body without a
population has none, and the page says so), the same prefecture (a prefecture
counts with its own municipalities), and all municipalities.

k-anonymity: a group's statistics for a score (overall or one area) are shown
only when at least K_ANONYMITY (5) municipalities in the group have that
score, counting the municipality itself when it has one. Below that the page
says so instead. Only aggregates (quartiles, median) and the municipality's
own rank are shown: never another municipality's name, and never a minimum
or maximum, which would be one municipality's own score.

`peer_benchmark` runs two queries whatever the number of municipalities (the
snapshots with their municipality's kind, population and prefecture; the edition's
areas); `same_kind_peers` (the dashboard's peer median) runs one, with the
same statistics and the same k-anonymity rule; `portfolio` runs four
(the rounds to show, their snapshots, areas, stages).

The benchmark page and the portfolio show each municipality's newest round
that has results (results.latest), saying so when that is not the newest.
"""

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from assessments.models import Round
from dxportal.localized import localized_text
from frameworks.models import PolicyArea, Stage
from municipalities.models import Municipality
from municipalities.size_bands import size_band
from results.cards import stored_area_scores
from results.latest import LatestResults, latest_rounds_with_results
from results.models import ScoreSnapshot
from results.stage_names import stage_label

K_ANONYMITY = 5

# --- pure statistics -----------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    """The middle value (the mean of the two middle ones for an even count)."""
    return statistics.median(values)


def quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    """(Q1, median, Q3) by linear interpolation between the closest ranks (inclusive method)."""
    if len(values) == 1:
        return (values[0], values[0], values[0])
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return (q1, q2, q3)


def rank(value: float, values: Iterable[float]) -> int:
    """1 for the highest; equal scores share a rank (1, 2, 2, 4)."""
    return 1 + sum(1 for other in values if other > value)


# --- one municipality against its peers ------------------------------------------------------


@dataclass(frozen=True)
class GroupStat:
    """A peer group's statistics for one score; None everywhere when hidden."""

    count: int  # municipalities in the group with this score
    q1: float | None = None
    median: float | None = None
    q3: float | None = None
    rank: int | None = None  # the municipality's own rank, when it has the score

    @property
    def shown(self) -> bool:
        return self.count >= K_ANONYMITY


@dataclass(frozen=True)
class BenchmarkRow:
    label: str
    own: float | None
    groups: list[GroupStat]


# The benchmark's peer groups, in the order they are offered and shown.
PEER_GROUPS = ("kind", "size", "prefecture", "all")


@dataclass(frozen=True)
class PeerGroup:
    code: str  # one of PEER_GROUPS
    label: str  # a column or caption: 「同じ区分（町）」
    definition: str  # who is in it, in words, with how many have results
    members: int  # municipalities in the group with results (this one included)


@dataclass(frozen=True)
class Benchmark:
    round: Round
    has_results: bool
    groups: list[PeerGroup]
    rows: list[BenchmarkRow] = field(default_factory=list)

    @property
    def group_labels(self) -> list[str]:
        return [group.label for group in self.groups]


def _group_stat(own: float | None, scores: list[float]) -> GroupStat:
    if len(scores) < K_ANONYMITY:
        return GroupStat(count=len(scores))
    q1, mid, q3 = quartiles(scores)
    return GroupStat(
        count=len(scores),
        q1=q1,
        median=mid,
        q3=q3,
        rank=rank(own, scores) if own is not None else None,
    )


def _prefecture_key(municipality_id: int, prefecture_id: int | None) -> int:
    """A prefecture is grouped with its own municipalities."""
    return prefecture_id if prefecture_id is not None else municipality_id


@dataclass(frozen=True)
class PeerRow:
    municipality_id: int
    kind: str
    prefecture_id: int | None
    size_band: str | None  # the band's code; None when the population is unknown
    overall: float | None
    areas: dict[str, float | None]


def _peer_rows(round_: Round, **only: Any) -> list[PeerRow]:
    """Every peer with its kind, prefecture, size band and scores (one query).

    `only` narrows the peers further (e.g. to one kind) in the database.
    """
    return [
        PeerRow(
            municipality_id,
            kind,
            prefecture_id,
            band.code if (band := size_band(kind, population)) else None,
            overall,
            stored_area_scores(card),
        )
        for (
            municipality_id,
            kind,
            prefecture_id,
            population,
            overall,
            card,
        ) in ScoreSnapshot.objects.filter(
            department__isnull=True,
            round__fiscal_year=round_.fiscal_year,
            round__edition_id=round_.edition_id,
            **only,
        ).values_list(
            "round__municipality_id",
            "round__municipality__kind",
            "round__municipality__prefecture_id",
            "round__municipality__population",
            "overall_score",
            "card",
        )
    ]


def _own_scores(round_: Round, peers: list[PeerRow]) -> tuple[bool, float | None, dict]:
    """Whether the round's municipality is among the peers, with its overall and area scores."""
    for peer in peers:
        if peer.municipality_id == round_.municipality_id:
            return True, peer.overall, peer.areas
    return False, None, {}


def _stat_of(own: float | None, scores: Iterable[float | None]) -> GroupStat:
    return _group_stat(own, [score for score in scores if score is not None])


def _kind_label(municipality: Municipality) -> str:
    return _("同じ区分（%(kind)s）") % {"kind": municipality.get_kind_display()}


def _groups(municipality: Municipality, members: dict[str, list[PeerRow]]) -> list[PeerGroup]:
    band = municipality.size_band
    prefecture = municipality.prefecture or municipality
    count = {code: len(rows) for code, rows in members.items()}
    size_definition = (
        _(
            "人口規模区分（類似団体区分の人口段階）が同じ「%(band)s」の団体。"
            "結果のある団体は%(count)s団体です。"
        )
        % {"band": band, "count": count["size"]}
        if band
        else _(
            "この団体の人口が不明なため、人口規模区分（類似団体区分の人口段階）では比べられません。"
        )
    )
    return [
        PeerGroup(
            "kind",
            _kind_label(municipality),
            _("区分が同じ「%(kind)s」の団体。結果のある団体は%(count)s団体です。")
            % {"kind": municipality.get_kind_display(), "count": count["kind"]},
            count["kind"],
        ),
        PeerGroup(
            "size",
            _("同じ人口規模区分（%(band)s）") % {"band": band}
            if band
            else _("同じ人口規模区分（人口不明）"),
            size_definition,
            count["size"],
        ),
        PeerGroup(
            "prefecture",
            _("同じ都道府県"),
            _("%(prefecture)sとその市区町村。結果のある団体は%(count)s団体です。")
            % {"prefecture": prefecture.name, "count": count["prefecture"]},
            count["prefecture"],
        ),
        PeerGroup(
            "all",
            _("全団体"),
            _("同じ年度・同じ版で評価したすべての団体。結果のある団体は%(count)s団体です。")
            % {"count": count["all"]},
            count["all"],
        ),
    ]


def peer_benchmark(round_: Round) -> Benchmark:
    """The round's overall and per-area scores against its four peer groups (two queries)."""
    municipality = round_.municipality
    peers = _peer_rows(round_)
    areas = list(PolicyArea.objects.filter(edition_id=round_.edition_id).order_by("order"))
    own_key = _prefecture_key(municipality.pk, municipality.prefecture_id)
    own_band = municipality.size_band
    in_group = {
        "kind": lambda peer: peer.kind == municipality.kind,
        "size": lambda peer: own_band is not None and peer.size_band == own_band.code,
        "prefecture": lambda peer: (
            _prefecture_key(peer.municipality_id, peer.prefecture_id) == own_key
        ),
        "all": lambda peer: True,
    }
    members = {code: [peer for peer in peers if in_group[code](peer)] for code in PEER_GROUPS}
    has_results, own_overall, own_areas = _own_scores(round_, peers)

    def row(label: str, own: float | None, score_of) -> BenchmarkRow:
        return BenchmarkRow(
            label=label,
            own=own,
            groups=[_stat_of(own, map(score_of, members[code])) for code in PEER_GROUPS],
        )

    rows = [row(_("総合得点"), own_overall, lambda member: member.overall)]
    for area in areas:
        rows.append(
            row(
                _area_label(area),
                own_areas.get(area.code),
                lambda member, code=area.code: member.areas.get(code),
            )
        )
    return Benchmark(
        round=round_,
        has_results=has_results,
        groups=_groups(municipality, members),
        rows=rows,
    )


@dataclass(frozen=True)
class KindPeers:
    """The same-kind peer group's statistics (hidden below K_ANONYMITY, as everywhere)."""

    label: str
    overall: GroupStat
    areas: dict[str, GroupStat]  # by area code; an area nobody in the group has is missing


def same_kind_peers(round_: Round) -> KindPeers:
    """The round against municipalities of the same kind only, for the dashboard (one query)."""
    municipality = round_.municipality
    peers = _peer_rows(round_, round__municipality__kind=municipality.kind)
    _has, own_overall, own_areas = _own_scores(round_, peers)
    codes = dict.fromkeys(code for peer in peers for code in peer.areas)
    return KindPeers(
        label=_kind_label(municipality),
        overall=_stat_of(own_overall, (peer.overall for peer in peers)),
        areas={
            code: _stat_of(own_areas.get(code), (peer.areas.get(code) for peer in peers))
            for code in codes
        },
    )


def _localized_name(obj) -> str:
    return localized_text(obj, "name")


def _area_label(area: PolicyArea) -> str:
    """An area's name, marked when it is a foundation: scored beside the stage ladder
    (results.scoring rule 6), not one of the areas the overall score is made of."""
    name = _localized_name(area)
    return _("{name}（基盤）").format(name=name) if area.is_foundation else name


# --- a consultant's portfolio ---------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioRow:
    municipality: Municipality
    round: Round | None  # the newest round with results, else the newest round, if any
    latest: LatestResults
    overall_score: float | None
    stage_label: str
    completeness: float | None
    area_scores: list[float | None]  # in the order of Portfolio.areas


@dataclass(frozen=True)
class Portfolio:
    areas: list[str]  # area names, the columns
    rows: list[PortfolioRow]


def portfolio(municipalities: Sequence[Municipality]) -> Portfolio:
    """Each municipality's newest round with results and those results (four queries).

    Area columns are the union of the areas of the editions in use, in
    catalogue order, named by the newest edition that has them.
    """
    latest = latest_rounds_with_results(municipalities)
    shown = {
        pk: found.round or found.newest
        for pk, found in latest.items()
        if found.round or found.newest
    }
    snapshots = {
        snapshot.round_id: snapshot
        for snapshot in ScoreSnapshot.objects.filter(
            department__isnull=True, round__in=[r.pk for r in shown.values()]
        )
    }
    edition_ids = {r.edition_id for r in shown.values()}
    area_names: dict[str, str] = {}
    area_order: dict[str, tuple[int, int]] = {}
    for area in PolicyArea.objects.filter(edition_id__in=edition_ids).order_by("-edition_id"):
        area_names.setdefault(area.code, _area_label(area))
        area_order.setdefault(area.code, (area.order, len(area_order)))
    names_by_edition: dict[int, dict[str, str]] = {}
    for stage in Stage.objects.filter(edition_id__in=edition_ids):
        names_by_edition.setdefault(stage.edition_id, {})[stage.code] = _localized_name(stage)
    codes = sorted(area_names, key=lambda code: area_order[code])
    rows = []
    for municipality in municipalities:
        round_ = shown.get(municipality.pk)
        snapshot = snapshots.get(round_.pk) if round_ else None
        if snapshot is None:
            rows.append(
                PortfolioRow(
                    municipality,
                    round_,
                    latest[municipality.pk],
                    None,
                    "",
                    None,
                    [None] * len(codes),
                )
            )
            continue
        by_area = stored_area_scores(snapshot.card)
        stage = snapshot.stage_attained
        rows.append(
            PortfolioRow(
                municipality=municipality,
                round=round_,
                latest=latest[municipality.pk],
                overall_score=snapshot.overall_score,
                stage_label=stage_label(stage, names_by_edition.get(round_.edition_id, {})),
                completeness=snapshot.completeness,
                area_scores=[by_area.get(code) for code in codes],
            )
        )
    return Portfolio(areas=[area_names[code] for code in codes], rows=rows)


def portfolio_sorted(rows: list[PortfolioRow], sort: str) -> list[PortfolioRow]:
    """By score or completeness (highest first, no results last), or by name (kana order)."""
    if sort == "name":
        return sorted(rows, key=lambda r: (r.municipality.name_kana, r.municipality.code))
    attribute = "completeness" if sort == "completeness" else "overall_score"

    def key(r: PortfolioRow):
        value = getattr(r, attribute)
        return (value is None, -(value or 0), r.municipality.name_kana, r.municipality.code)

    return sorted(rows, key=key)


def portfolio_summary(rows: list[PortfolioRow], sort_label: str) -> str:
    """One sentence for screen readers about the chart (the table gives every figure)."""
    scored = [r for r in rows if r.overall_score is not None]
    return _(
        "{count}団体の総合得点を{sort}に棒で示します（得点のない団体は{missing}団体）。"
        "数値は下の表のとおりです。"
    ).format(count=len(scored), sort=sort_label, missing=len(rows) - len(scored))
