"""Small, cheap people for the layout tests (no password hashing: force_login only)."""

import pytest

from accounts.models import Membership, Role, User
from tests.factories import DepartmentFactory, MunicipalityFactory


def _user(email: str, display_name: str) -> User:
    return User.objects.create_user(email, password=None, display_name=display_name)


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(name="横浜市", name_kana="ヨコハマシ")


@pytest.fixture
def coordinator(municipality) -> User:
    """One membership: the header shows it inline."""
    user = _user("coordinator@example.jp", "山田 花子")
    Membership.objects.create(user=user, role=Role.COORDINATOR, municipality=municipality)
    return user


@pytest.fixture
def respondent(municipality) -> User:
    user = _user("respondent@example.jp", "佐藤 一郎")
    department = DepartmentFactory(municipality=municipality, name="情報政策課")
    Membership.objects.create(
        user=user, role=Role.RESPONDENT, municipality=municipality, department=department
    )
    return user


@pytest.fixture
def consultant(municipality) -> User:
    """Two memberships: the header shows a disclosure list."""
    user = _user("consultant@example.jp", "鈴木 次郎")
    Membership.objects.create(user=user, role=Role.CONSULTANT, municipality=municipality)
    Membership.objects.create(
        user=user, role=Role.CONSULTANT, municipality=MunicipalityFactory(name="川崎市")
    )
    return user
