"""The coordinator's audit log page and CSV: own municipality only, filters in JST, safe CSV."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
# 15:30 UTC on 1 April is 00:30 on 2 April in Japan.
LATE_NIGHT = datetime.datetime(2026, 4, 1, 15, 30, tzinfo=UTC)


def _event(municipality, action=AuditAction.EXPORT, time=LATE_NIGHT, **fields):
    return AuditEvent.objects.create(municipality=municipality, action=action, time=time, **fields)


def _url(personas, name="events", tenant="a"):
    municipality = personas.municipality_a if tenant == "a" else personas.municipality_c
    return reverse(f"audit:{name}", kwargs={"code": municipality.code})


def test_the_coordinator_sees_their_municipalitys_events_in_jst(client, personas):
    _event(personas.municipality_a, actor_email="a@example.jp", target="round 1 answers.csv")
    _event(personas.municipality_c, actor_email="c@example.jp", target="other town")
    client.force_login(personas.coordinator_a)
    page = client.get(_url(personas)).content.decode()
    assert "2026-04-02 00:30:00" in page
    assert "a@example.jp" in page and "round 1 answers.csv" in page
    assert "c@example.jp" not in page and "other town" not in page


@pytest.mark.parametrize("who", ["respondent_a", "consultant", "coordinator_c", "catalogue_editor"])
@pytest.mark.parametrize("name", ["events", "events_csv"])
def test_everyone_else_gets_404(client, personas, who, name):
    client.force_login(getattr(personas, who))
    assert client.get(_url(personas, name)).status_code == 404


def test_the_municipality_page_links_to_the_log_for_coordinators_only(client, personas):
    overview = reverse("municipalities:overview", kwargs={"code": personas.municipality_a.code})
    client.force_login(personas.coordinator_a)
    assert _url(personas) in client.get(overview).content.decode()
    client.force_login(personas.consultant)
    assert _url(personas) not in client.get(overview).content.decode()


def test_filter_by_action_and_jst_days(client, personas):
    _event(personas.municipality_a, action=AuditAction.LOGIN, target="signed-in")
    _event(personas.municipality_a, action=AuditAction.EXPORT, target="exported")
    client.force_login(personas.coordinator_a)

    def targets(**query):
        response = client.get(_url(personas), query)
        assert response.status_code == 200
        return {t for t in ("signed-in", "exported") if t in response.content.decode()}

    assert targets(action="login") == {"signed-in"}
    assert targets(date_from="2026-04-02", date_to="2026-04-02") == {"signed-in", "exported"}
    assert targets(date_to="2026-04-01") == set()  # 1 April in UTC, 2 April in Japan
    assert targets(date_from="2026-04-03") == set()


def test_a_reversed_date_range_is_refused_with_a_message(client, personas):
    client.force_login(personas.coordinator_a)
    query = {"date_from": "2026-05-01", "date_to": "2026-04-01"}
    for name in ("events", "events_csv"):
        response = client.get(_url(personas, name), query)
        assert response.status_code == 400
        assert "開始日は終了日より前の日付にしてください。" in response.content.decode()


def test_the_csv_is_formula_safe_filtered_and_itself_recorded(client, personas):
    _event(
        personas.municipality_a,
        actor_email="a@example.jp",
        target='=HYPERLINK("http://evil.example/","x")',
        detail={"changes": {"comment": ["", "+1"]}},
    )
    _event(personas.municipality_a, action=AuditAction.LOGIN, target="not wanted")
    client.force_login(personas.coordinator_a)
    response = client.get(_url(personas, "events_csv"), {"action": "export"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["日時", "操作", "利用者", "対象", "詳細", "IPアドレス"]
    assert rows[1:] == [
        [
            "2026-04-02 00:30:00",
            "データの書き出し",
            "a@example.jp",
            '\'=HYPERLINK("http://evil.example/","x")',
            "comment: — → +1",
            "",
        ]
    ]
    exported = AuditEvent.objects.get(action=AuditAction.EXPORT, target="audit log CSV")
    assert exported.actor == personas.coordinator_a


@pytest.mark.parametrize("events", [1, 120])
def test_page_query_count_does_not_grow_with_events(
    client, personas, django_assert_num_queries, events
):
    for n in range(events):
        _event(personas.municipality_a, time=LATE_NIGHT + datetime.timedelta(minutes=n))
    client.force_login(personas.coordinator_a)
    # session, user, memberships, count, one page of events, session save (3)
    with django_assert_num_queries(8):
        response = client.get(_url(personas))
    assert response.status_code == 200
    assert response.context["page"].paginator.num_pages == -(-events // 50)
