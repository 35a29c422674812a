"""Benchmark: times what users wait for, on a throw-away SQLite database.

Run with `make bench`. Prints numbers; it asserts nothing (timings vary by
machine; query counts are pinned in the test suite instead).
"""

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="dxportal-bench-")
os.environ.update(
    DJANGO_SETTINGS_MODULE="dxportal.settings",
    DJANGO_ENV="development",
    DATABASE_URL=f"sqlite:///{WORKDIR}/bench.sqlite3",
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402

REQUESTS = 50


def timed(label: str, func) -> None:
    start = time.perf_counter()
    func()
    print(f"{label:<48} {time.perf_counter() - start:8.3f} s")


def page_median(client: Client, url: str) -> None:
    client.get(url)  # warm up templates and caches
    samples = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    median_ms = statistics.median(samples) * 1000
    p95_ms = statistics.quantiles(samples, n=20)[18] * 1000
    print(f"GET {url:<44} median {median_ms:6.1f} ms  p95 {p95_ms:6.1f} ms")


def main() -> None:
    master = ROOT / "fixtures" / "municipalities" / "municipalities.csv"
    call_command("migrate", verbosity=0)
    timed(
        "import_municipalities (1,788 bodies, first)",
        lambda: call_command("import_municipalities", str(master), verbosity=0),
    )
    timed(
        "import_municipalities (re-import, no change)",
        lambda: call_command("import_municipalities", str(master), verbosity=0),
    )
    call_command("seed_demo", stdout=io.StringIO())

    client = Client(SERVER_NAME="localhost")
    page_median(client, reverse("accounts:login"))
    client.force_login(User.objects.get(email="coordinator@example.jp"))
    page_median(client, reverse("portal:home"))
    page_median(client, reverse("municipalities:overview", kwargs={"code": "141003"}))
    page_median(client, reverse("municipalities:departments", kwargs={"code": "141003"}))


if __name__ == "__main__":
    main()
