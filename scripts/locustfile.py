"""The load benchmark's clients (locust), started by scripts/loadtest.py; not run on its own.

Each client is a signed-in person with two sessions made by loadtest.py (a
respondent's and a consultant's, both past two-factor), so no password is
typed. Requests carry the headers the TLS-terminating proxy of a production
deployment sets (X-Forwarded-Proto), so gunicorn runs with the production
settings unchanged. The session cookies are sent by hand: the portal marks
them Secure, which a client on plain HTTP would otherwise withhold.

Each client owns one answer: it saves it with the version the previous save
returned (DX-Answer-Version) and appends every acknowledged save to the
acknowledgement file, which loadtest.py checks against the database after
the run.
"""

import itertools
import json
import os
from pathlib import Path

from locust import FastHttpUser, constant, events, tag, task

CONFIG = json.loads(Path(os.environ["LOADTEST_CONFIG"]).read_text(encoding="utf-8"))
_slots = itertools.count()
# Line-buffered: each acknowledgement is on disk as soon as it is written.
_acks = Path(os.environ["LOADTEST_ACKS"]).open("a", encoding="utf-8", buffering=1)  # noqa: SIM115 (open for the whole run)


@events.test_stop.add_listener
def _close_acks(**_kwargs):
    _acks.flush()


class Person(FastHttpUser):
    wait_time = constant(0)  # closed loop: the next request as soon as the answer is in

    def on_start(self):
        slot = next(_slots)
        self.client_config = CONFIG["clients"][slot % len(CONFIG["clients"])]
        self.target = self.client_config["target"]
        self.version = self.target["version"]
        self.saves = 0
        self.origin = CONFIG["origin"]

    def _headers(self, session: str, *, page: str = "/") -> dict:
        csrf = self.client_config["csrf"]
        return {
            "X-Forwarded-Proto": "https",
            "Cookie": f"sessionid={self.client_config[session]}; csrftoken={csrf}",
            "Referer": f"{self.origin}{page}",
        }

    def _get(self, session: str, url: str, name: str):
        with self.client.get(
            url,
            headers=self._headers(session),
            name=name,
            catch_response=True,
            allow_redirects=False,  # a redirect (to sign in) is a failure, not a page
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")

    @tag("area")
    @task(2)
    def area_page(self):
        self._get("respondent", CONFIG["urls"]["area"], "area page")

    @tag("save")
    @task(6)
    def autosave(self):
        target = self.target
        self.saves += 1
        comment = f"load {self.client_config['index']}-{self.saves}"
        data = dict(target["raw"], base_version=str(self.version), comment=comment)
        headers = self._headers("respondent", page=CONFIG["urls"]["area"]) | {
            "X-CSRFToken": self.client_config["csrf"],
            "HX-Request": "true",
            "DX-Background": "1",
        }
        with self.client.post(
            target["url"],
            data=data,
            headers=headers,
            name="autosave",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            version = response.headers.get("DX-Answer-Version", "")
            state = response.headers.get("DX-Answer-State", "")
            if response.status_code != 200 or state != "normal" or not version.isdigit():
                response.failure(f"status {response.status_code} state {state!r}")
                return
            self.version = int(version)
            _acks.write(
                json.dumps(
                    {"answer": target["answer_key"], "version": self.version, "comment": comment}
                )
                + "\n"
            )

    @tag("dashboard")
    @task(1)
    def dashboard(self):
        self._get("consultant", CONFIG["urls"]["dashboard"], "dashboard")

    @tag("benchmark")
    @task(1)
    def benchmark(self):
        self._get("consultant", CONFIG["urls"]["benchmark"], "benchmark")

    @tag("portfolio")
    @task(1)
    def portfolio(self):
        self._get("consultant", CONFIG["urls"]["portfolio"], "portfolio")

    @tag("catalogue")
    @task(1)
    def catalogue(self):
        self._get("consultant", CONFIG["urls"]["catalogue"], "catalogue")
