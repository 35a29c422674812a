"""Load benchmark over HTTP: gunicorn with the production settings, driven by locust.

Run with `make loadtest` (a throw-away SQLite database with the demo data) or

    scripts/loadtest.py --database postgres://postgres@127.0.0.1:5432/dxportal_load
    scripts/loadtest.py --database sqlite:///path/to/existing.sqlite3 --keep-data

An empty database (SQLite file or PostgreSQL database, created if missing) is
built with the master data, the catalogue and the demo; a database that
already has rounds is used as it is (for example the national data set), with
only the load's own accounts added (loadtest-*@example.invalid). Then:

1. signed-in sessions are made through Django's session engine for one
   respondent per client (in the department of the questionnaire with the
   most assigned indicators) and a consultant of many municipalities, with
   the two-factor mark the portal sets after verification: no password typed;
2. gunicorn starts with DJANGO_ENV=production (secret key, allowed hosts and
   static files as in production; requests come as through the TLS proxy);
3. locust runs the mix headless for --duration seconds at --clients
   concurrent clients (the questionnaire area page, the single-answer
   autosave, the municipality dashboard, the benchmark page, the consultant
   portfolio and the catalogue), or only those named with --only;
4. it prints requests/s, p50/p95/p99 and errors per endpoint, then checks in
   the database that every acknowledged save is stored exactly once (the
   answer's version, its AnswerChange history and the values saved).

Exits non-zero on any error or failed check. Timings are the machine's: no
target is asserted here.
"""

import argparse
import csv
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ENDPOINTS = ["area", "save", "dashboard", "benchmark", "portfolio", "catalogue"]
LOAD_DOMAIN = "example.invalid"


def parse_args():
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="DATABASE_URL; default: a throw-away SQLite file")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    # gunicorn's own advice for sync-style workers: 2 × cores + 1.
    parser.add_argument("--workers", type=int, default=2 * cores + 1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--only", nargs="+", choices=ENDPOINTS, help="run only these endpoints")
    parser.add_argument(
        "--portfolio", type=int, default=20, help="municipalities in the consultant's portfolio"
    )
    parser.add_argument("--keep-data", action="store_true", help="keep the throw-away database")
    return parser.parse_args()


def django_setup(database_url: str, secret_key: str) -> None:
    # The script itself loads data and makes sessions with the development settings
    # (seed_demo refuses production) and the server's secret key, which signs sessions.
    os.environ.update(
        DJANGO_SETTINGS_MODULE="dxportal.settings",
        DJANGO_ENV="development",
        DATABASE_URL=database_url,
        SECRET_KEY=secret_key,
    )
    import django

    django.setup()


def postgres_database_create(database_url: str) -> None:
    """Create the PostgreSQL database named in the URL if it does not exist."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def build_database(portfolio: int) -> None:
    """Migrate; on a database without rounds, load the master data, the catalogue and
    the demo, then rounds for the consultant's portfolio, answered, with their scores."""
    import io

    from django.core.management import call_command

    from assessments.models import Round

    call_command("migrate", "--noinput", verbosity=0)
    if Round.objects.exists():
        return
    print("building the data set (master, catalogue, demo, rounds) ...", flush=True)
    fixtures = ROOT / "fixtures" / "municipalities"
    call_command("import_municipalities", str(fixtures / "municipalities.csv"), verbosity=0)
    call_command("import_population", str(fixtures / "population.csv"), verbosity=0)
    catalogue = sorted((ROOT / "frameworks" / "catalogue").glob("jichitai-dx-*.yaml"))
    call_command("import_framework", "--skip-existing", *map(str, catalogue), verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    _portfolio_rounds(portfolio)


def _portfolio_rounds(count: int) -> None:
    """Open this year's round for the municipalities that make the portfolio `count` long
    (the demo's, answered by the demo, included), answer every questionnaire of the new
    rounds but the respondents' and store their scores, as the dashboard and the portfolio
    read them."""
    import datetime

    from django.utils import timezone

    from accounts.models import User
    from assessments.models import Answer, Round
    from assessments.rounds import round_open
    from frameworks.models import AnswerType, Edition, EditionStatus
    from municipalities.models import Municipality
    from municipalities.services import departments_create_defaults
    from results.snapshots import snapshots_refresh

    edition = Edition.objects.filter(status=EditionStatus.PUBLISHED).latest("published_on")
    admin = User.objects.get(email="admin@example.jp")
    existing = Round.objects.order_by("-fiscal_year").first()
    opened = set(Round.objects.values_list("municipality_id", flat=True))
    new_rounds = []
    for municipality in Municipality.objects.exclude(pk__in=opened).order_by("code")[
        : max(0, count - len(opened))
    ]:
        departments_create_defaults(municipality=municipality)
        new_round = round_open(
            municipality=municipality,
            edition=edition,
            fiscal_year=existing.fiscal_year,
            opens_on=timezone.localdate(),
            closes_on=timezone.localdate() + datetime.timedelta(days=90),
            user=admin,
        )
        new_rounds.append(new_round)
    values = {
        AnswerType.MATURITY: lambda i: {"level": i.pk % 4, "target_level": i.pk % 4 + 1},
        AnswerType.YES_NO: lambda i: {"yes": bool(i.pk % 2)},
        AnswerType.PERCENTAGE: lambda i: {"number": i.pk % 100},
        AnswerType.COUNT: lambda i: {"number": i.pk % 7},
        AnswerType.CHOICE: lambda i: {"choice": i.choices.order_by("order").first()},
        AnswerType.TEXT: lambda i: {"text": "取組の説明"},
    }
    keep = _area_questionnaire()
    for round_ in new_rounds:
        Answer.objects.bulk_create(
            Answer(
                questionnaire=q,
                indicator=a.indicator,
                version=1,
                **values[a.indicator.answer_type](a.indicator),
            )
            for q in round_.questionnaires.exclude(pk=keep.pk)
            for a in round_.assignments.filter(department=q.department).select_related("indicator")
        )
        snapshots_refresh(round=round_, trigger="recomputed")


def _area_questionnaire():
    """The editable questionnaire with the most assigned indicators: the respondents'."""
    from django.db.models import Count

    from assessments.locking import is_editable
    from assessments.models import Assignment, Questionnaire

    groups = (
        Assignment.objects.values("round_id", "department_id")
        .annotate(n=Count("id"))
        .order_by("-n", "round_id", "department_id")
    )
    for group in groups[:50]:
        questionnaire = (
            Questionnaire.objects.select_related("round__municipality", "department")
            .filter(round_id=group["round_id"], department_id=group["department_id"])
            .first()
        )
        if questionnaire is not None and is_editable(questionnaire):
            return questionnaire
    raise SystemExit("No editable questionnaire in this database: nothing to answer.")


def _load_user(email: str, display_name: str, memberships: list[dict]):
    """An account of the load (no usable password), with its roles and, for roles that
    need it, a confirmed authenticator: the session then carries its verified mark."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import Membership, User

    user, _created = User.objects.get_or_create(
        email=email, defaults={"display_name": display_name}
    )
    for membership in memberships:
        Membership.objects.get_or_create(user=user, **membership)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="loadtest", confirmed=True)
    return user, device


def _session_for(user, device) -> str:
    """A signed-in session as django.contrib.auth.login() and two-factor verification
    leave it (accounts/two_factor.py), stored by the session engine; its key is the cookie."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.session_lifetime import SIGNED_IN_AT_SESSION_KEY

    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store[SIGNED_IN_AT_SESSION_KEY] = int(time.time())
    store.save()
    return store.session_key


def load_config(clients: int, portfolio: int, origin: str) -> dict:
    """Accounts, sessions, URLs and each client's answer to save."""
    from django.urls import reverse

    from accounts.models import Membership, Role
    from assessments.forms_answering import raw_from_answer
    from assessments.models import Answer, Assignment, Round
    from assessments.my_work import load_sheet

    questionnaire = _area_questionnaire()
    round_ = questionnaire.round
    sheet = load_sheet(questionnaire)
    area = max(sheet.areas, key=lambda a: len(sheet.indicators_in(a)))
    # Free text and maturity answers: a comment changes each save, the rest stays valid.
    assignments = list(
        Assignment.objects.filter(round=round_, department=questionnaire.department)
        .select_related("indicator")
        .order_by("indicator__order", "indicator__pk")
    )
    if len(assignments) < clients:
        raise SystemExit(f"{len(assignments)} indicators to answer: fewer than {clients} clients.")
    municipalities = list(
        Round.objects.values_list("municipality_id", flat=True).distinct()[:portfolio]
    )
    consultant, consultant_device = _load_user(
        f"loadtest-consultant@{LOAD_DOMAIN}",
        "負荷 コンサルタント",
        [{"role": Role.CONSULTANT, "municipality_id": pk} for pk in municipalities]
        + [{"role": Role.CONSULTANT, "municipality_id": round_.municipality_id}],
    )
    answers = {
        a.indicator_id: a
        for a in Answer.objects.filter(questionnaire=questionnaire).select_related("choice")
    }
    config_clients = []
    for index in range(clients):
        respondent, device = _load_user(
            f"loadtest-respondent-{index}@{LOAD_DOMAIN}",
            f"負荷 回答者{index}",
            [
                {
                    "role": Role.RESPONDENT,
                    "municipality_id": round_.municipality_id,
                    "department_id": questionnaire.department_id,
                }
            ],
        )
        indicator = assignments[index].indicator
        answer = answers.get(indicator.pk)
        config_clients.append(
            {
                "index": index,
                "respondent": _session_for(respondent, device),
                "consultant": _session_for(consultant, consultant_device),
                "csrf": secrets.token_hex(16),  # 32 characters: a CSRF secret, as cookie and header
                "target": {
                    "answer_key": [questionnaire.pk, indicator.pk],
                    "url": reverse(
                        "questionnaires:answer_save", args=[questionnaire.pk, indicator.code]
                    ),
                    "raw": raw_from_answer(answer),
                    "version": answer.version if answer else 0,
                },
            }
        )
    portfolio_size = Membership.objects.filter(user=consultant, role=Role.CONSULTANT).count()
    print(
        f"area page: {round_.municipality.name} {questionnaire.department.name} 「{area.name}」"
        f" ({len(sheet.indicators_in(area))} indicators); "
        f"consultant portfolio: {portfolio_size} municipalities",
        flush=True,
    )
    code = round_.municipality.code
    return {
        "origin": origin,
        "clients": config_clients,
        "urls": {
            "area": reverse("questionnaires:area", args=[questionnaire.pk, area.code]),
            "dashboard": reverse("results:dashboard", args=[code, round_.pk]),
            "benchmark": reverse("benchmarks:benchmark", args=[code, round_.pk]),
            "portfolio": reverse("benchmarks:portfolio"),
            "catalogue": reverse("frameworks:index"),
        },
    }


def server_start(args, database_url: str, secret_key: str, workdir: Path):
    env = os.environ | {
        "DJANGO_ENV": "production",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DEBUG", None)
    env.pop("TWO_FACTOR_REQUIRED", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    log = (workdir / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "dxportal.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "gthread",
            "--threads",
            "1",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{args.port}/accounts/login/"
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    deadline = time.monotonic() + 60
    while server.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                if response.status == 200:
                    return server
        except OSError:  # not listening yet, or still starting its workers
            time.sleep(0.2)
    server.terminate()
    server.wait(timeout=30)
    raise SystemExit(f"gunicorn did not answer; see {workdir / 'gunicorn.log'}")


def locust_run(args, config_path: Path, acks_path: Path, workdir: Path) -> Path:
    # LOCUST names another locust executable (one installed outside this venv).
    command = os.environ.get("LOCUST", "").split() or [sys.executable, "-m", "locust"]
    tags = ["--tags", *args.only] if args.only else []
    subprocess.run(
        [
            *command,
            "-f",
            str(ROOT / "scripts" / "locustfile.py"),
            "--headless",
            "--users",
            str(args.clients),
            "--spawn-rate",
            str(args.clients),
            "--run-time",
            f"{args.duration}s",
            # At the end each client finishes its request, so a save that went through
            # is acknowledged before the check.
            "--stop-timeout",
            "30",
            "--host",
            f"http://127.0.0.1:{args.port}",
            "--csv",
            str(workdir / "locust"),
            "--only-summary",
            "--loglevel",
            "WARNING",
            *tags,
        ],
        env=os.environ | {"LOADTEST_CONFIG": str(config_path), "LOADTEST_ACKS": str(acks_path)},
        check=False,
        stdout=(workdir / "locust.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    return workdir / "locust_stats.csv"


def report(stats_path: Path) -> int:
    """Print the table; the number of failed requests."""
    rows = list(csv.DictReader(stats_path.open(encoding="utf-8")))
    print(
        f"\n{'endpoint':<12} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50':>6} {'p95':>6} {'p99':>6}  (ms)"
    )
    errors = 0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all"
        print(
            f"{name:<12} {row['Request Count']:>9} {row['Failure Count']:>7}"
            f" {float(row['Requests/s']):>8.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )
        if row["Name"] == "Aggregated":
            errors = int(row["Failure Count"])
    failures = stats_path.with_name("locust_failures.csv")
    if errors and failures.exists():
        for row in csv.DictReader(failures.open(encoding="utf-8")):
            print(f"  error: {row['Name']}: {row['Error']} × {row['Occurrences']}")
    return errors


def verify(config: dict, acks_path: Path) -> bool:
    """Every acknowledged save stored exactly once: for each client's answer, the versions
    acknowledged follow on from the version before the run without gap or repeat, the
    history has exactly one change per acknowledged version carrying the comment sent,
    and nothing else; the answer stands at the last acknowledged save."""
    from assessments.models import Answer, AnswerChange

    acks: dict[tuple, list] = {}
    for line in acks_path.read_text(encoding="utf-8").splitlines():
        ack = json.loads(line)
        acks.setdefault(tuple(ack["answer"]), []).append(ack)
    problems, acknowledged = [], 0
    for client in config["clients"]:
        target = client["target"]
        key = tuple(target["answer_key"])
        mine = sorted(acks.get(key, []), key=lambda a: a["version"])
        acknowledged += len(mine)
        start = target["version"]
        versions = [a["version"] for a in mine]
        if versions != list(range(start + 1, start + 1 + len(mine))):
            problems.append(f"{key}: acknowledged versions {versions[:5]}… not {start + 1}…")
        answer = Answer.objects.filter(questionnaire_id=key[0], indicator_id=key[1]).first()
        changes = (
            {c.version: c for c in AnswerChange.objects.filter(answer=answer, version__gt=start)}
            if answer
            else {}
        )
        if len(changes) != len(mine):
            problems.append(f"{key}: {len(mine)} saves acknowledged, {len(changes)} stored")
        for ack in mine:
            change = changes.get(ack["version"])
            if change is None or change.changes.get("comment", [None, None])[1] != ack["comment"]:
                problems.append(f"{key}: version {ack['version']} not stored as sent")
                break
        if mine and (
            answer.version != mine[-1]["version"] or answer.comment != mine[-1]["comment"]
        ):
            problems.append(f"{key}: answer at version {answer.version}, not the last saved")
    print(
        f"\nverified: {acknowledged} acknowledged saves, each stored exactly once"
        if not problems
        else "\nverification FAILED:"
    )
    for problem in problems[:20]:
        print("  " + problem)
    return not problems


def main() -> int:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="dxportal-load-"))
    database_url = args.database or f"sqlite:///{workdir}/load.sqlite3"
    if database_url.startswith("postgres"):
        postgres_database_create(database_url)
    secret_key = secrets.token_urlsafe(50)
    django_setup(database_url, secret_key)
    build_database(args.portfolio)
    origin = f"https://127.0.0.1:{args.port}"
    config = load_config(args.clients, args.portfolio, origin)
    config_path, acks_path = workdir / "config.json", workdir / "acks.jsonl"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    acks_path.touch()

    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    print(
        f"gunicorn: {args.workers} workers (gthread, 1 thread), {engine}; locust: "
        f"{args.clients} clients for {args.duration} s; {os.cpu_count()} cores",
        flush=True,
    )
    server = server_start(args, database_url, secret_key, workdir)
    try:
        stats_path = locust_run(args, config_path, acks_path, workdir)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    errors = report(stats_path)
    from django.db import connections

    connections.close_all()
    ok = verify(config, acks_path)
    if args.keep_data or args.database:
        print(f"data and logs kept in {workdir}")
    else:
        shutil.rmtree(workdir)
    return 0 if ok and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
