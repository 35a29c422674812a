import pytest

from tests.personas import Personas, make_personas


@pytest.fixture
def personas(db) -> Personas:
    return make_personas()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is right for production and far too slow for hundreds of personas.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
