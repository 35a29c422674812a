"""The scores of every peer group of a fiscal year and edition, read once per change of results.

The peers of a round are the municipality snapshots (department empty) of every round
in the same fiscal year on the same edition (results.benchmarks). Reading them all for
each benchmark page and dashboard would cost more with every municipality, so
`peer_groups` reads them once (two queries, the area scores taken out of the cards by
the database) and keeps each group in the cache: how many peers it has and, per score,
their scores in order, from which the quartiles and a municipality's rank are read.

What invalidates the cache: its key holds `peer_stamp`, one aggregate query over the
peers by kind: how many there are, the newest `computed_at` (results.snapshots sets it
on every row it writes, and a row it recreates gets a new one), the sum of their overall
scores, and what the other groups are made of: the sums of the peers' populations and
prefecture ids. A refreshed, new or deleted snapshot, or a municipality that changes
kind, population or prefecture, gives a new key at once; an entry no key names any more
is never read again and expires (results.page_cache.CACHE_SECONDS).

An entry holds the statistics of a whole fiscal year and edition, the same for every
viewer (the pages show them only under results.benchmarks' k-anonymity rule).
"""

import hashlib
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.cache import cache

from assessments.models import Round
from frameworks.models import PolicyArea
from municipalities.models import Municipality
from municipalities.size_bands import size_band
from results.models import ScoreSnapshot
from results.page_cache import CACHE_SECONDS, stamp_rows

OVERALL = ""  # the score code of the overall score beside the area codes


@dataclass(frozen=True)
class ScoreStats:
    """One peer group's values of one score, lowest first."""

    values: array  # of floats: pickled as bytes, so an entry is quick to read back

    @property
    def count(self) -> int:
        return len(self.values)


@dataclass(frozen=True)
class GroupScores:
    """One peer group: how many peers it has, and the values of each score among them."""

    members: int
    scores: dict[str, ScoreStats]  # OVERALL or an area code; a score nobody has is missing

    def stats(self, code: str) -> ScoreStats:
        return self.scores.get(code) or ScoreStats(array("d"))


EMPTY = GroupScores(members=0, scores={})


def kind_group(kind: str) -> str:
    return f"kind:{kind}"


def size_group(band_code: str) -> str:
    return f"size:{band_code}"


def prefecture_group(municipality_id: int, prefecture_id: int | None) -> str:
    """A prefecture is grouped with its own municipalities."""
    return f"prefecture:{prefecture_id if prefecture_id is not None else municipality_id}"


ALL = "all"


def groups_of(municipality: Municipality) -> dict[str, str]:
    """The municipality's group of each kind of peer group (results.benchmarks.PEER_GROUPS);
    "size" is missing when its population is unknown."""
    band = municipality.size_band
    groups = {
        "kind": kind_group(municipality.kind),
        "prefecture": prefecture_group(municipality.pk, municipality.prefecture_id),
        "all": ALL,
    }
    if band is not None:
        groups["size"] = size_group(band.code)
    return groups


def _peers(fiscal_year: int, edition_id: int):
    return ScoreSnapshot.objects.filter(
        department__isnull=True, round__fiscal_year=fiscal_year, round__edition_id=edition_id
    )


_STAMP_SQL = f"""
    SELECT m.kind, COUNT(*), MAX(s.computed_at), SUM(s.overall_score), SUM(m.population),
           SUM(m.prefecture_id)
    FROM {ScoreSnapshot._meta.db_table} s
    JOIN {Round._meta.db_table} r ON s.round_id = r.id
    JOIN {Municipality._meta.db_table} m ON r.municipality_id = m.id
    WHERE s.department_id IS NULL AND r.fiscal_year = %s AND r.edition_id = %s
    GROUP BY m.kind
    ORDER BY m.kind
"""


def peer_stamp(fiscal_year: int, edition_id: int) -> str:
    """What the year's and edition's peer groups are made of, in a few characters (one query):
    by kind, how many peers, their newest computed_at, the sums of their overall scores, of
    their populations and of their prefecture ids."""
    rows = stamp_rows(_STAMP_SQL, [fiscal_year, edition_id])
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:24]


def _key(fiscal_year: int, edition_id: int, stamp: str, group: str) -> str:
    return f"results:peers:{fiscal_year}:{edition_id}:{stamp}:{group}"


@dataclass(frozen=True)
class ScoredPeer:
    municipality_id: int
    kind: str
    prefecture_id: int | None
    population: int | None
    scores: dict[str, float | None]  # by OVERALL and area code


def scored_peers(
    fiscal_year: int, edition_id: int, area_count: int, **only
) -> Iterator[ScoredPeer]:
    """Each peer with its scores, taken out of the stored cards by the database (one query):
    the cards of an edition with `area_count` areas have at most as many.

    `only` narrows the peers further (e.g. to one round).
    """
    paths = [(f"card__areas__{n}__area", f"card__areas__{n}__score") for n in range(area_count)]
    rows = (
        _peers(fiscal_year, edition_id)
        .filter(**only)
        .values_list(
            "round__municipality_id",
            "round__municipality__kind",
            "round__municipality__prefecture_id",
            "round__municipality__population",
            "overall_score",
            *(path for pair in paths for path in pair),
        )
    )
    for municipality_id, kind, prefecture_id, population, overall, *areas in rows:
        scores = {OVERALL: overall}
        for n in range(0, len(areas), 2):
            if areas[n] is not None:  # None: the card has fewer areas
                scores[areas[n]] = areas[n + 1]
        yield ScoredPeer(municipality_id, kind, prefecture_id, population, scores)


def _read_all(fiscal_year: int, edition_id: int) -> dict[str, GroupScores]:
    """Every peer group of the year and edition, from the snapshots (two queries)."""
    values: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    members: dict[str, int] = defaultdict(int)
    area_count = PolicyArea.objects.filter(edition_id=edition_id).count()
    for peer in scored_peers(fiscal_year, edition_id, area_count):
        band = size_band(peer.kind, peer.population)
        groups = [
            kind_group(peer.kind),
            prefecture_group(peer.municipality_id, peer.prefecture_id),
            ALL,
        ]
        if band is not None:
            groups.append(size_group(band.code))
        for group in groups:
            members[group] += 1
            for code, score in peer.scores.items():
                if score is not None:
                    values[group][code].append(score)
    return {
        group: GroupScores(
            members=members[group],
            scores={
                code: ScoreStats(array("d", sorted(scores)))
                for code, scores in values[group].items()
            },
        )
        for group in members
    }


def peer_groups(fiscal_year: int, edition_id: int, groups: Iterable[str]) -> dict[str, GroupScores]:
    """The named groups of the year's and edition's peers (a group without peers is EMPTY):
    one query, and two more when the cache does not hold them for the current stamp."""
    groups = list(groups)
    stamp = peer_stamp(fiscal_year, edition_id)
    keys = {group: _key(fiscal_year, edition_id, stamp, group) for group in groups}
    found = cache.get_many(keys.values())
    if len(found) < len(keys):
        # A group nobody is in is stored too (EMPTY), so asking for it again hits.
        read = dict.fromkeys(groups, EMPTY) | _read_all(fiscal_year, edition_id)
        cache.set_many(
            {_key(fiscal_year, edition_id, stamp, g): scores for g, scores in read.items()},
            CACHE_SECONDS,
        )
        found = {keys[g]: read[g] for g in groups}
    return {group: found[keys[group]] for group in groups}
