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

The groups' scores are read once per change of any peer's results and kept in the
cache (results.peer_groups), so `peer_benchmark` runs three queries whatever the
number of municipalities (the edition's areas, the round's own scores, the peers'
stamp) and `same_kind_peers` (the dashboard's peer median) one, with the same
statistics and the same k-anonymity rule, each two more when the peers are read again;
`portfolio` runs three (snapshots, areas, stages) beside the caller's rounds.

The benchmark page and the portfolio show each municipality's newest round
that has results (results.latest), saying so when that is not the newest.
"""

import statistics
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from assessments.models import Round
from dxportal.localized import localized_text
from frameworks.models import PolicyArea, Stage
from municipalities.models import Municipality
from results.cards import StoredCard, stored_area_scores
from results.latest import LatestResults
from results.models import ScoreSnapshot
from results.page_cache import stamp_rows
from results.peer_groups import (
    EMPTY,
    OVERALL,
    ScoreStats,
    groups_of,
    kind_group,
    peer_groups,
    peer_stamp,
)
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


def rank(value: float, ascending: Sequence[float]) -> int:
    """1 for the highest of `ascending` (lowest first); equal scores share a rank (1, 2, 2, 4)."""
    return 1 + len(ascending) - bisect_right(ascending, value)


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


def _group_stat(own: float | None, values: ScoreStats) -> GroupStat:
    if values.count < K_ANONYMITY:
        return GroupStat(count=values.count)
    q1, mid, q3 = quartiles(values.values)
    return GroupStat(
        count=values.count,
        q1=q1,
        median=mid,
        q3=q3,
        rank=rank(own, values.values) if own is not None else None,
    )


def _kind_label(municipality: Municipality) -> str:
    return _("同じ区分（%(kind)s）") % {"kind": municipality.get_kind_display()}


def _groups(municipality: Municipality, count: dict[str, int]) -> list[PeerGroup]:
    """The peer groups, `count` municipalities with results in each (by PEER_GROUPS code)."""
    band = municipality.size_band
    prefecture = municipality.prefecture or municipality
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


_STAMP_OWN_SQL = f"""
    SELECT id, computed_at FROM {ScoreSnapshot._meta.db_table}
    WHERE round_id = %s AND department_id IS NULL
"""


def benchmark_stamp(round_: Round) -> tuple:
    """What the round's benchmark (`peer_benchmark`) is read from that can change, for
    results.page_cache (one query and the peers' stamp): the round's own snapshot (its id
    and computed_at, which every refresh sets), the peers (results.peer_groups.peer_stamp),
    and the municipality's kind, population and prefecture (its groups; the prefecture's
    name is in a group's definition). The edition's areas are not in it: a round is on a
    published edition, which never changes but for its citations (frameworks/FORMAT.md)."""
    municipality = round_.municipality
    prefecture = municipality.prefecture or municipality
    own = stamp_rows(_STAMP_OWN_SQL, [round_.pk])
    return (
        round_.pk,
        round_.fiscal_year,
        round_.edition_id,
        own,
        municipality.pk,
        municipality.kind,
        municipality.population,
        prefecture.pk,
        prefecture.name,
        peer_stamp(round_.fiscal_year, round_.edition_id),
    )


def peer_benchmark(round_: Round) -> Benchmark:
    """The round's overall and per-area scores against its four peer groups (three queries,
    and two more when results.peer_groups reads the peers again)."""
    municipality = round_.municipality
    areas = list(PolicyArea.objects.filter(edition_id=round_.edition_id).order_by("order"))
    own = (
        ScoreSnapshot.objects.filter(round=round_, department__isnull=True)
        .values_list("overall_score", "card")
        .first()
    )
    own_scores = {OVERALL: own[0], **stored_area_scores(own[1])} if own else {}
    group_of = groups_of(municipality)
    found = peer_groups(round_.fiscal_year, round_.edition_id, group_of.values())
    members = {code: found[group_of[code]] if code in group_of else EMPTY for code in PEER_GROUPS}

    def row(label: str, code: str) -> BenchmarkRow:
        own = own_scores.get(code)
        return BenchmarkRow(
            label=label,
            own=own,
            groups=[_group_stat(own, members[group].stats(code)) for group in PEER_GROUPS],
        )

    return Benchmark(
        round=round_,
        has_results=own is not None,
        groups=_groups(municipality, {code: group.members for code, group in members.items()}),
        rows=[row(_("総合得点"), OVERALL)] + [row(_area_label(area), area.code) for area in areas],
    )


@dataclass(frozen=True)
class KindPeers:
    """The same-kind peer group's statistics (hidden below K_ANONYMITY, as everywhere)."""

    label: str
    overall: GroupStat
    areas: dict[str, GroupStat]  # by the area codes of the round's card


def same_kind_peers(round_: Round, card: StoredCard) -> KindPeers:
    """The round (its municipality's `card`) against municipalities of the same kind only,
    for the dashboard (one query, and two more when results.peer_groups reads the peers)."""
    municipality = round_.municipality
    group = kind_group(municipality.kind)
    peers = peer_groups(round_.fiscal_year, round_.edition_id, [group])[group]
    return KindPeers(
        label=_kind_label(municipality),
        overall=_group_stat(card.overall_score, peers.stats(OVERALL)),
        areas={
            code: _group_stat(score, peers.stats(code))
            for code, score in card.area_scores().items()
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


def portfolio(
    municipalities: Sequence[Municipality], latest: dict[int, LatestResults]
) -> Portfolio:
    """Each municipality's newest round with results and those results (three queries),
    `latest` holding each one's rounds (results.latest.latest_rounds_with_results).

    Area columns are the union of the areas of the editions in use, in
    catalogue order, named by the newest edition that has them.
    """
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


def portfolio_stamp(
    municipalities: Sequence[Municipality], latest: dict[int, LatestResults]
) -> tuple:
    """What the portfolio of `municipalities` shows that can change, for results.page_cache
    (no query): each one's name, kana, code, kind and prefecture (shown, sorted and filtered
    by), its rounds from `latest` (ids, years, status, edition, when their results were
    computed: every refresh sets it) and why the newest has none (the notice, which depends
    on the day). Stage and area names are not in it: they are a published edition's, which
    never change but for citations (frameworks/FORMAT.md)."""

    def round_stamp(round_: Round | None) -> tuple | None:
        if round_ is None:
            return None
        return (
            round_.pk,
            round_.fiscal_year,
            round_.status,
            round_.edition_id,
            round_.results_computed_at,
        )

    return tuple(
        (
            m.pk,
            m.code,
            str(m),
            m.name_kana,
            m.kind,
            m.prefecture_id,
            round_stamp(latest[m.pk].newest),
            round_stamp(latest[m.pk].round),
            latest[m.pk].newest_state,
        )
        for m in municipalities
    )


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
