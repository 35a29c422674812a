"""The audit log pages and CSV: a coordinator reads their municipality's events and its people's
sign-ins, never another municipality's; catalogue editors read the catalogue's changes; filters
in JST; every event in words; formula-safe CSV."""

import csv
import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import CATALOGUE_ACTIONS, MUNICIPALITY_ACTIONS, AuditAction, AuditEvent
from tests.factories import MembershipFactory, UserFactory
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
# 15:30 UTC on 1 April is 00:30 on 2 April in Japan.
LATE_NIGHT = datetime.datetime(2026, 4, 1, 15, 30, tzinfo=UTC)
LOGIN = reverse("accounts:login")


def _event(municipality, action=AuditAction.EXPORT, time=LATE_NIGHT, **fields):
    return AuditEvent.objects.create(municipality=municipality, action=action, time=time, **fields)


def _url(personas, name="events", tenant="a"):
    municipality = personas.municipality_a if tenant == "a" else personas.municipality_c
    return reverse(f"audit:{name}", kwargs={"code": municipality.code})


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]


def _sign_in(client, email, password=PASSWORD):
    """Sign in with a password in a browser of one's own (not `client`'s session)."""
    browser = Client()
    browser.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR="192.0.2.7")


def test_the_coordinator_sees_their_municipalitys_events_in_jst_and_in_words(client, personas):
    _event(
        personas.municipality_a,
        actor_email="a@example.jp",
        detail={"round": {"fiscal_year": 2026}, "file": "回答一覧.csv"},
    )
    _event(personas.municipality_c, actor_email="c@example.jp", target="other town")
    client.force_login(personas.coordinator_a)
    page = client.get(_url(personas)).content.decode()
    assert "2026-04-02 00:30:00" in page
    assert "a@example.jp" in page
    assert "2026年度（令和8年度）の評価ラウンドの「回答一覧.csv」を書き出しました。" in page
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
    _event(personas.municipality_a, action=AuditAction.REPORT_DOWNLOADED, target="報告書.pdf")
    _event(personas.municipality_a, action=AuditAction.EXPORT, target="回答一覧.csv")
    client.force_login(personas.coordinator_a)

    def files(**query):
        rows = _rows(client.get(_url(personas, "events_csv"), query))
        return {name for name in ("報告書.pdf", "回答一覧.csv") if any(name in r[3] for r in rows)}

    assert files(action="report_downloaded") == {"報告書.pdf"}
    assert files(date_from="2026-04-02", date_to="2026-04-02") == {"報告書.pdf", "回答一覧.csv"}
    assert files(date_to="2026-04-01") == set()  # 1 April in UTC, 2 April in Japan
    assert files(date_from="2026-04-03") == set()


def test_the_action_filter_offers_only_what_the_log_can_hold(client, personas):
    client.force_login(personas.coordinator_a)
    offered = {
        value
        for value, _label in client.get(_url(personas)).context["form"].fields["action"].choices
    }
    assert len(offered) == len(MUNICIPALITY_ACTIONS) + 1  # and 「すべての操作」
    assert AuditAction.LOGIN in offered and AuditAction.ROUND_OPENED in offered
    assert not offered & CATALOGUE_ACTIONS
    assert AuditAction.PASSWORD_RESET_REQUESTED not in offered
    response = client.get(_url(personas), {"action": AuditAction.CATALOGUE_PUBLISHED})
    assert response.status_code == 400  # not a choice here: refused with the form's message


# --- sign-ins -------------------------------------------------------------------------------


def test_the_sign_in_filter_finds_the_municipalitys_peoples_sign_ins(client, personas):
    """Sign-ins belong to no municipality: the log shows those of its people."""
    for user in (personas.respondent_a, personas.respondent_other_a, personas.respondent_a):
        _sign_in(client, user.email)
    _sign_in(client, personas.respondent_a.email, "wrong-password-1")
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, municipality=None).count() == 3

    client.force_login(personas.coordinator_a)  # a sign-in too, of one of A's people
    rows = _rows(client.get(_url(personas, "events_csv"), {"action": "login"}))
    assert len(rows) == 4
    assert all(row[1] == "サインイン" and row[3] == "サインインしました。" for row in rows)
    people = (
        personas.coordinator_a,
        personas.respondent_a,
        personas.respondent_other_a,
        personas.respondent_a,
    )
    assert [row[2] for row in rows] == [f"{u.display_name}（{u.email}）" for u in people]
    assert [row[4] for row in rows[1:]] == ["192.0.2.7"] * 3
    (failed,) = _rows(client.get(_url(personas, "events_csv"), {"action": "login_failed"}))
    assert failed[3] == f"{personas.respondent_a.email} としてのサインインに失敗しました。"
    page = client.get(_url(personas), {"action": "login"})
    assert page.context["page"].paginator.count == 4


def test_no_one_elses_sign_ins_reach_the_log(client, personas):
    """Another municipality's people, a consultant who also serves B, portal-wide roles and
    a person's sign-ins from before they joined the municipality are not its to read."""
    before_joining = UserFactory()
    _sign_in(client, before_joining.email)
    MembershipFactory(
        user=before_joining,
        role=Role.RESPONDENT,
        municipality=personas.municipality_a,
        department=personas.department_a,
    )
    for user in (
        personas.respondent_c,
        personas.coordinator_c,
        personas.consultant,
        personas.catalogue_editor,
        personas.admin,
    ):
        _sign_in(client, user.email)
    _sign_in(client, personas.respondent_c.email, "wrong-password-1")
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN).count() == 6

    def others(rows, coordinator):  # the coordinator's own sign-in (force_login) aside
        return [row for row in rows if coordinator.email not in row[2]]

    client.force_login(personas.coordinator_a)
    assert others(_rows(client.get(_url(personas, "events_csv"))), personas.coordinator_a) == []
    _sign_in(client, before_joining.email)  # now one of A's people
    client.force_login(personas.coordinator_a)
    rows = _rows(client.get(_url(personas, "events_csv"), {"action": "login"}))
    (row,) = others(rows, personas.coordinator_a)
    assert before_joining.email in row[2]

    # C's coordinator reads C's people's sign-ins only.
    client.force_login(personas.coordinator_c)
    rows = others(
        _rows(client.get(_url(personas, "events_csv", tenant="c"))), personas.coordinator_c
    )
    # Besides coordinator_c's own: respondent_c's sign-in and failure, nobody else's.
    assert [(row[1], row[2]) for row in rows] == [
        ("サインインの失敗", personas.respondent_c.email),
        ("サインイン", f"{personas.respondent_c.display_name}（{personas.respondent_c.email}）"),
    ]


def test_a_coordinator_never_sees_another_municipalitys_events(client, personas):
    for action in sorted(MUNICIPALITY_ACTIONS):
        _event(personas.municipality_a, action=action, actor_email="a@example.jp")
    _event(personas.municipality_c, actor_email="c@example.jp")
    client.force_login(personas.coordinator_c)
    rows = _rows(client.get(_url(personas, "events_csv", tenant="c")))
    assert [row[1] for row in rows] == ["サインイン", "データの書き出し"]  # their own sign-in
    assert rows[1][2] == "c@example.jp"
    assert "a@example.jp" not in client.get(_url(personas, tenant="c")).content.decode()


# --- the CSV ------------------------------------------------------------------------------


def test_a_reversed_date_range_is_refused_with_a_message(client, personas):
    client.force_login(personas.coordinator_a)
    query = {"date_from": "2026-05-01", "date_to": "2026-04-01"}
    for name in ("events", "events_csv"):
        response = client.get(_url(personas, name), query)
        assert response.status_code == 400
        assert "開始日は終了日より前の日付にしてください。" in response.content.decode()


def test_the_csv_is_formula_safe_in_words_filtered_and_itself_recorded(client, personas):
    _event(
        personas.municipality_a,
        actor_email='=HYPERLINK("http://evil.example/","x")',
        target="回答一覧.csv",
    )
    _event(personas.municipality_a, action=AuditAction.REPORT_DOWNLOADED, target="not wanted")
    client.force_login(personas.coordinator_a)
    response = client.get(_url(personas, "events_csv"), {"action": "export"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["日時", "操作", "利用者", "内容", "IPアドレス"]
    assert rows[1:] == [
        [
            "2026-04-02 00:30:00",
            "データの書き出し",
            '\'=HYPERLINK("http://evil.example/","x")',
            "「回答一覧.csv」を書き出しました。",
            "",
        ]
    ]
    exported = AuditEvent.objects.get(action=AuditAction.EXPORT, actor=personas.coordinator_a)
    assert exported.municipality == personas.municipality_a
    assert exported.detail == {"file": f"{personas.municipality_a.name}_監査ログ.csv"}


@pytest.mark.parametrize("events", [1, 120])
def test_page_query_count_does_not_grow_with_events(
    client, personas, django_assert_num_queries, events
):
    for n in range(events):
        _event(personas.municipality_a, time=LATE_NIGHT + datetime.timedelta(minutes=n))
        _event(None, action=AuditAction.LOGIN, actor=personas.respondent_a, time=timezone.now())
    client.force_login(personas.coordinator_a)
    # session, user, memberships, count, one page of events (their actors joined);
    # no session write: describing an event reads the event only.
    with django_assert_num_queries(5):
        response = client.get(_url(personas))
    assert response.status_code == 200
    assert response.context["page"].paginator.num_pages == -(-2 * events // 50)


# --- the catalogue's log ---------------------------------------------------------------------

CATALOGUE = reverse("audit:catalogue_events")
CATALOGUE_CSV = reverse("audit:catalogue_events_csv")


@pytest.mark.parametrize("who", ["catalogue_editor", "admin"])
def test_editors_and_admins_read_the_catalogues_changes(client, personas, who):
    _event(
        None,
        action=AuditAction.CATALOGUE_PUBLISHED,
        detail={"edition": {"framework": "dx", "version": "3.0", "title": {"ja": "第3版"}}},
    )
    _event(personas.municipality_a, target="回答一覧.csv")
    _event(None, action=AuditAction.LOGIN, actor_email="someone@example.jp")
    client.force_login(getattr(personas, who))
    (row,) = _rows(client.get(CATALOGUE_CSV))
    assert row[1:4] == [
        "評価枠組みの版の公開",
        "",
        "評価枠組みの版「第3版」（3.0）を公開しました。",
    ]
    offered = {v for v, _label in client.get(CATALOGUE).context["form"].fields["action"].choices}
    assert offered - {""} == {action.value for action in CATALOGUE_ACTIONS}


@pytest.mark.parametrize("who", ["respondent_a", "coordinator_a", "consultant"])
@pytest.mark.parametrize("url", [CATALOGUE, CATALOGUE_CSV])
def test_no_one_else_reads_the_catalogues_log(client, personas, who, url):
    client.force_login(getattr(personas, who))
    assert client.get(url).status_code == 404


def test_the_catalogue_editor_links_to_its_log(client, personas):
    client.force_login(personas.catalogue_editor)
    assert CATALOGUE in client.get(reverse("frameworks:editor")).content.decode()
