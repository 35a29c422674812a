import pytest
from django.core.management import CommandError, call_command

from accounts.models import Membership, User
from assessments.models import Round
from portal.demo import DEMO_USERS


@pytest.fixture
def master(db):
    call_command("import_municipalities", "fixtures/municipalities/municipalities.csv", verbosity=0)


def test_seed_demo_creates_one_user_per_role_and_is_repeatable(master, capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert User.objects.count() == len(DEMO_USERS)
    assert set(Membership.objects.values_list("role", flat=True)) == {
        "respondent",
        "coordinator",
        "consultant",
        "catalogue_editor",
        "system_admin",
    }
    assert "coordinator@example.jp" in out and "パスワード" in out
    assert User.objects.get(email="consultant@example.jp").memberships.count() == 3
    assert not Round.objects.exists()  # no catalogue: no rounds


def test_seed_demo_refuses_production_settings(master, settings):
    settings.DEVELOPMENT = False
    with pytest.raises(CommandError, match="本番設定では実行できません"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_needs_the_master(db):
    with pytest.raises(CommandError, match="import_municipalities"):
        call_command("seed_demo")
