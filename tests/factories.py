import factory

from accounts.models import Membership, Role, User
from municipalities.codes import check_digit
from municipalities.models import Department, DepartmentKind, Municipality, MunicipalityKind


def _code(first_five: str) -> str:
    return first_five + str(check_digit(first_five))


class PrefectureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["code"]

    code = _code("13000")
    name = "東京都"
    name_kana = "トウキョウト"
    kind = MunicipalityKind.PREFECTURE
    prefecture = None


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["code"]

    prefecture = factory.SubFactory(PrefectureFactory)
    # Codes 13901.. are unused in the official list, so they never clash with the fixture.
    code = factory.Sequence(lambda n: _code(f"13{901 + n % 99:03d}"))
    name = factory.Sequence(lambda n: f"テスト{n}市")
    name_kana = factory.Sequence(lambda n: f"テスト{n}シ")
    kind = MunicipalityKind.CITY


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"部署{n}")
    kind = DepartmentKind.DX_PROMOTION
    sort_order = factory.Sequence(lambda n: (n % 100) * 10)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.jp")
    display_name = factory.Sequence(lambda n: f"職員 {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save(update_fields=["password"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.COORDINATOR
    municipality = factory.SubFactory(MunicipalityFactory)
    department = None
