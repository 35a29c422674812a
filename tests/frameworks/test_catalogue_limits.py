"""The catalogue's free text has the limits of dxportal.text_limits: the import names file, line
and field of an over-long text, and the editor refuses it next to the field, saving nothing."""

import pytest

from accounts.models import Role
from dxportal.text_limits import DESCRIPTION_MAX, SENTENCE_MAX, too_long_message
from frameworks.models import Edition, EditionStatus, Indicator
from tests.factories import MembershipFactory
from tests.frameworks.factories import make_edition
from tests.frameworks.test_catalogue_editor import (
    LEVELS,
    _indicator_post,
    _state,
    _url,
)
from tests.frameworks.test_catalogue_import import (
    MINIMAL,
    line_of,
    refused,
    rows,
    run_import,
    write,
)

pytestmark = pytest.mark.django_db


# --- the import ----------------------------------------------------------------------------

LONG_TEXTS = [
    # what the file says, what it says instead, the field's path, its limit
    (
        "description: 検討していない。",
        "description: " + "あ" * (DESCRIPTION_MAX + 1),
        "indicators[0].levels[0].description",
        DESCRIPTION_MAX,
    ),
    (
        "question: 標準準拠システムへの移行計画を策定していますか。",
        "question: " + "あ" * (SENTENCE_MAX + 1),
        "indicators[0].question",
        SENTENCE_MAX,
    ),
    (
        "  source: 総務省「自治体DX推進計画【第2.0版】」",
        "  source: " + "あ" * (SENTENCE_MAX + 1),
        "edition.source",
        SENTENCE_MAX,
    ),
    (
        "    name: 情報システムの標準化・共通化\n",
        "    name: 情報システムの標準化・共通化\n    description: "
        + "あ" * (DESCRIPTION_MAX + 1)
        + "\n",
        "areas[0].description",
        DESCRIPTION_MAX,
    ),
]


@pytest.mark.parametrize(
    ("change_from", "change_to", "field", "limit"), LONG_TEXTS, ids=[c[2] for c in LONG_TEXTS]
)
def test_an_over_long_text_is_refused_with_file_line_and_field(
    tmp_path, change_from, change_to, field, limit
):
    assert MINIMAL.count(change_from) == 1
    text = MINIMAL.replace(change_from, change_to)
    path = write(tmp_path, text)
    before = rows()

    err = refused(path)

    line = line_of(text, change_to.strip().split("\n")[-1][:20])
    assert (
        f"{path}:{line}: {field}: {limit}文字以内にしてください（現在: {limit + 1}文字）。" in err
    )
    assert rows() == before


def test_text_at_the_limit_is_imported(tmp_path):
    text = MINIMAL.replace(
        "description: 検討していない。", "description: " + "あ" * DESCRIPTION_MAX
    )
    run_import(write(tmp_path, text))
    level = Edition.objects.get().indicators.get(code="STD-01").levels.get(level=0)
    assert len(level.description) == DESCRIPTION_MAX


# --- the editor ----------------------------------------------------------------------------


@pytest.fixture
def editor(client):
    client.force_login(MembershipFactory(role=Role.CATALOGUE_EDITOR, municipality=None).user)
    return client


@pytest.fixture
def draft():
    return make_edition(status=EditionStatus.DRAFT, indicators=3)


@pytest.mark.parametrize(
    ("fields", "levels", "field", "limit"),
    [
        ({"help_text": "あ" * (DESCRIPTION_MAX + 1)}, LEVELS, "help_text", DESCRIPTION_MAX),
        ({"question": "あ" * (SENTENCE_MAX + 1)}, LEVELS, "question", SENTENCE_MAX),
        (
            {},
            [{**LEVELS[0], "description": "あ" * (DESCRIPTION_MAX + 1)}, *LEVELS[1:]],
            "levels-0-description",
            DESCRIPTION_MAX,
        ),
    ],
    ids=["help text", "question", "rubric level"],
)
def test_the_editor_refuses_an_over_long_text_and_saves_nothing(
    editor,
    draft,
    fields,
    levels,
    field,
    limit,
):
    before = _state(draft)
    response = editor.post(
        _url("editor_indicator_create", area_id=draft.areas.first().pk),
        _indicator_post(draft, levels=levels, **fields),
    )
    assert response.status_code == 400
    assert too_long_message(limit=limit, length=limit + 1) in response.text
    assert f'name="{field}"' in response.text
    assert f'maxlength="{limit}"' in response.text
    assert _state(draft) == before
    assert not Indicator.objects.filter(edition=draft, code="NEW-01").exists()


def test_the_editor_takes_text_at_the_limit(editor, draft):
    levels = [{**LEVELS[0], "description": "あ" * DESCRIPTION_MAX}, *LEVELS[1:]]
    response = editor.post(
        _url("editor_indicator_create", area_id=draft.areas.first().pk),
        _indicator_post(draft, levels=levels, help_text="い" * DESCRIPTION_MAX),
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(edition=draft, code="NEW-01")
    assert len(indicator.help_text) == DESCRIPTION_MAX
    assert len(indicator.levels.get(level=0).description) == DESCRIPTION_MAX
