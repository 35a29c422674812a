"""Recomputing in processes (recompute_scores --jobs, snapshots_refresh_many(jobs=N)) stores
what one process stores, and a round refreshed while its batch was scored keeps its newer
snapshots."""

import io

import pytest
from django.core.management import call_command

from assessments.models import Round
from results.models import ScoreSnapshot
from results.snapshots import _batch_scored, _batch_store, snapshots_refresh, snapshots_refresh_many

CATALOGUE = [
    "frameworks/catalogue/jichitai-dx-2.0.yaml",
    "frameworks/catalogue/jichitai-dx-2.3.yaml",
    "frameworks/catalogue/jichitai-dx-2026.yaml",
]


def _national(limit: int) -> list[Round]:
    call_command("import_municipalities", "fixtures/municipalities/municipalities.csv", verbosity=0)
    call_command("import_population", "fixtures/municipalities/population.csv", verbosity=0)
    call_command("import_framework", *CATALOGUE, verbosity=0)
    call_command("generate_national_data", "--limit", str(limit), stdout=io.StringIO())
    return list(Round.objects.select_related("municipality").order_by("pk"))


def _stored() -> dict:
    return {
        (s.round_id, s.department_id): (
            s.pk,
            s.overall_score,
            s.stage_attained,
            s.completeness,
            s.card,
        )
        for s in ScoreSnapshot.objects.all()
    }


@pytest.mark.django_db(transaction=True)
def test_processes_store_what_one_process_stores():
    rounds = _national(limit=4)
    assert len(rounds) == 12
    assert snapshots_refresh_many(rounds, trigger="recomputed", batch=3, jobs=1) > 40
    serial = _stored()
    # Spoil every stored card, so that only the processes' scoring can bring them back.
    ScoreSnapshot.objects.update(overall_score=None, card={"version": 1})
    assert snapshots_refresh_many(rounds, trigger="recomputed", batch=3, jobs=2) == len(serial)
    assert _stored() == serial


@pytest.mark.django_db
def test_a_round_refreshed_while_its_batch_was_scored_keeps_its_newer_snapshots(settings):
    rounds = _national(limit=1)
    assert len(rounds) == 3
    scored = _batch_scored(rounds, trigger="recomputed")  # read, as a worker reads
    refreshed = {s.pk: s.computed_at for s in snapshots_refresh(round=rounds[0], trigger="closed")}
    written = _batch_store(scored)
    kept = ScoreSnapshot.objects.filter(round=rounds[0])
    assert len(refreshed) > 1
    assert {s.pk: s.computed_at for s in kept} == refreshed
    assert {s.trigger for s in kept} == {"closed"}
    others = ScoreSnapshot.objects.exclude(round=rounds[0])
    assert written == others.count() > 0
    assert {s.trigger for s in others} == {"recomputed"}
