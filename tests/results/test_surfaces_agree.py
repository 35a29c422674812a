"""Every surface states the same results: the dashboard (its data and its page), the
department pages, the data exports (the score rows, the scores CSV, the JSON document),
`show_scores` and the PDF report.

For a table of rounds a body really has (partly answered, an area all 該当しない, a stage
with nothing applicable by the answers, a prefecture and a town for which the catalogue
leaves a stage empty) and, without the PDF, for generated rounds (Hypothesis). The gaps
are also worked out from the answers by results.highlights' rule
(surfaces_support.expected_gaps): so nothing unanswered and no 100-point answer is ever
a gap anywhere. Builders and readers: tests/results/surfaces_support.py.
"""

from dataclasses import replace

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from municipalities.models import MunicipalityKind
from results.dashboard import dashboard_for, department_results_for
from results.scoring import NOT_STARTED
from results.stage_names import stage_label
from tests.results.surfaces_support import (
    CODE,
    DX,
    FOUNDATION,
    NO_GAP_AREA,
    NOT_APPLICABLE,
    TAX,
    Body,
    Item,
    body_a,
    build_round,
    csv_score_rows,
    expected_gaps,
    json_export,
    level,
    new_body,
    parse,
    pdf_text,
    round_stages,
    said_by_csv,
    said_by_dashboard,
    said_by_dashboard_matrix,
    said_by_dashboard_page,
    said_by_department_page,
    said_by_department_results,
    said_by_export_rows,
    said_by_json_export,
    said_by_pdf,
    said_by_show_scores,
    show_scores,
)

CITY, TOWN, PREFECTURE = (
    MunicipalityKind.CITY,
    MunicipalityKind.TOWN,
    MunicipalityKind.PREFECTURE,
)
MUNICIPAL = (
    MunicipalityKind.DESIGNATED_CITY,
    MunicipalityKind.CORE_CITY,
    MunicipalityKind.CITY,
    MunicipalityKind.SPECIAL_WARD,
    MunicipalityKind.TOWN,
    MunicipalityKind.VILLAGE,
)
LARGE = (PREFECTURE, MunicipalityKind.DESIGNATED_CITY, MunicipalityKind.CORE_CITY)


def check_every_surface(client, round_, body: Body, items: list[Item], *, pdf: bool):
    """Every surface against the dashboard's data, and the gaps against the answers."""
    kind = body.municipality.kind
    stages, names = round_stages(round_)
    thresholds = [float(stage.threshold) for stage in stages]
    counted = [item for item in items if item.applies_to(kind)]
    client.force_login(body.coordinator)

    board = dashboard_for(round_)
    reference = said_by_dashboard(board)

    # The catalogue's applicability: what is not for this kind of body is nowhere. The
    # foundation is no row of the ladder, and counts towards the answer rate all the same.
    assert {row.code: row.total for row in board.areas} == {
        area: sum(1 for item in counted if item.area == area)
        for area in dict.fromkeys(item.area for item in counted)
        if area != FOUNDATION
    }
    assert board.total == len(counted)

    # The gaps, by the rule, from the answers.
    for code, area in reference.areas.items():
        assert area.gaps == expected_gaps(items, kind, thresholds, area=code), code
    never = {i.code for i in items if i.points is None or i.points == 100}
    assert not never & {code for area in reference.areas.values() for code in area.gaps}

    csv_rows = csv_score_rows(client, round_)
    document = json_export(client, round_)
    municipality_surfaces = {
        "dashboard page": said_by_dashboard_page(client, round_),
        "score rows": said_by_export_rows(round_),
        "scores CSV": said_by_csv(csv_rows),
        "JSON export": said_by_json_export(document, names),
        "show_scores": said_by_show_scores(show_scores(round_), names),
    }
    if pdf:
        text = pdf_text(round_)
        municipality_surfaces["PDF"] = said_by_pdf(text, round_)
    for surface, said in municipality_surfaces.items():
        assert said == reference.only_as_stated_by(said), surface
        assert list(said.areas) == list(reference.areas), surface  # in catalogue order
        # Every surface states the foundation when there is one, and only then.
        assert (said.foundation is None) == (reference.foundation is None), surface

    # The CSV's two decimals are the stored scores'.
    stored = {row.code: row.score for row in board.areas}
    for row in csv_rows:
        if row["行の種類"] == "団体全体" and row["集計単位"] == "分野":
            written = None if row["得点"] == "" else float(row["得点"])
            assert written == pytest.approx(stored[row["分野コード"]], abs=0.005)

    # Each department: its page, its column of the dashboard's table, its export rows.
    for department_kind, department in body.departments.items():
        results = department_results_for(round_, department)
        if not any(item.department == department_kind for item in counted):
            assert results is None
            continue
        mine = said_by_department_results(results)
        assert mine.gaps == expected_gaps(items, kind, thresholds, department=department_kind)
        for surface, said in {
            "department page": said_by_department_page(client, round_, department),
            "score rows": said_by_export_rows(round_, department),
            "scores CSV": said_by_csv(csv_rows, department),
            "JSON export": said_by_json_export(document, names, department),
        }.items():
            assert said == mine.only_as_stated_by(said), (department.name, surface)
            assert (said.foundation is None) == (mine.foundation is None), surface
        matrix = said_by_dashboard_matrix(board, department)
        assert {code: a.score for code, a in matrix.areas.items()} == {
            code: a.score for code, a in mine.areas.items() if a.score != "—"
        }

    # The catalogue's exclusions are in no export and no report either.
    excluded = {item.code for item in items if not item.applies_to(kind)}
    exported = {i["code"] for i in document["indicators"]}
    assert exported == {item.code for item in counted}
    if pdf:
        assert not excluded & set(CODE.findall(text))
        if not board.gaps:
            assert NO_GAP_AREA in text
        if not board.strengths:
            assert "段階の基準点に届いている分野はまだありません。" in text
    return board


# --- a table of rounds, every surface with the PDF ---------------------------------------

# (the body's kind: None for the personas' municipality A, a city; the indicators; the
# stage each area attains: a stage index, or None for 未着手)
CASES = {
    "partly answered": (
        None,
        [
            # 25 ÷ 4 = 6.25: 6.3 wherever it is printed (halves up, as floatformat).
            Item("S-01", "std", 0, level(1)),
            Item("S-02", "std", 0),
            Item("S-03", "std", 0),
            Item("S-04", "std", 0),
            Item("E-01", "sec", 0, level(4)),
            Item("E-02", "sec", 1, level(2)),
            Item("E-03", "sec", 1, department=TAX),  # 税務課 has answered nothing: no gap
        ],
        {"std": None, "sec": 0},
    ),
    "an area all not applicable": (
        None,
        [
            Item("S-01", "std", 0, level(3)),
            Item("E-01", "sec", 0, NOT_APPLICABLE),
            Item("E-02", "sec", 1, NOT_APPLICABLE, department=TAX),
        ],
        {"std": 0, "sec": None},  # sec has no score: neither a strength nor a gap
    ),
    "a stage answered not applicable": (
        None,
        [
            Item("S-01", "std", 0, NOT_APPLICABLE),
            Item("S-02", "std", 1, level(4)),
            Item("E-01", "sec", 0, level(1)),
        ],
        {"std": 1, "sec": None},  # std's first stage has nothing to score: passed through
    ),
    # The catalogue's applicability, not an answer: 標準化's first stage is municipal
    # counter work, none of it for a prefecture (answers it would have are ignored).
    "a prefecture": (
        PREFECTURE,
        [
            Item("S-01", "std", 0, level(0), kinds=MUNICIPAL),
            Item("S-02", "std", 0, level(0), kinds=MUNICIPAL, department=TAX),
            Item("S-03", "std", 1, level(3)),
            Item("S-04", "std", 1, level(4), kinds=(PREFECTURE,)),
            Item("S-05", "std", 2, level(1)),  # 25 < 70: a gap
            Item("E-01", "sec", 0, level(2)),  # 50 < 60: a gap
            Item("E-02", "sec", 0, level(4), department=TAX),
            Item("E-03", "sec", 1, level(0), kinds=(CITY,)),
        ],
        {"std": 1, "sec": 0},
    ),
    # A town: no transformation indicator is for towns, so both areas stop below it.
    "a town": (
        TOWN,
        [
            Item("S-01", "std", 0, level(4)),
            Item("S-02", "std", 1, level(3)),
            Item("S-04", "std", 1, level(2), kinds=(TOWN, MunicipalityKind.VILLAGE)),
            Item("S-03", "std", 2, level(0), kinds=LARGE),
            Item("E-01", "sec", 0, level(4), department=TAX),
            Item("E-02", "sec", 1, level(1)),  # a gap in an area at its bar (62.5 ≥ 60)
            Item("E-03", "sec", 2, level(0), kinds=LARGE),
        ],
        {"std": 1, "sec": 0},
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_surface_states_the_same_scores_stages_and_gaps(personas, client, case):
    kind, items, attained = CASES[case]
    body = body_a(personas) if kind is None else new_body(kind)
    round_ = build_round(body, items)
    board = check_every_surface(client, round_, body, items, pdf=True)

    stages, names = round_stages(round_)
    assert {row.code: row.stage for row in board.areas} == {
        code: stage_label(stages[index].code if index is not None else NOT_STARTED, names)
        for code, index in attained.items()
    }


def test_a_stage_empty_for_the_body_is_passed_through_everywhere(db, client):
    """The prefecture: 標準化 has nothing at デジタイゼーション, and attains デジタライゼーション."""
    _kind, items, _attained = CASES["a prefecture"]
    body = new_body(PREFECTURE)
    round_ = build_round(body, items)

    (std, sec) = dashboard_for(round_).areas
    assert [(step.score, step.attained) for step in std.ladder] == [
        (None, False),
        (87.5, True),  # (75 + 100) ÷ 2
        (25.0, False),
    ]
    assert (std.total, sec.total) == (3, 2)
    document = show_scores(round_)
    assert [(c["score"], c["attained"]) for c in document["areas"][0]["stages"]] == [
        (None, False),  # passed through: not attained, as the ladder says
        (87.5, True),
        (25.0, False),
    ]
    assert [(c["score"], c["attained"]) for c in document["areas"][1]["stages"]] == [
        (75.0, True),
        (None, False),
        (None, False),
    ]
    assert "対象なし（通過）" in pdf_text(round_)


# --- an edition with a foundation area (推進体制), beside the ladder -------------------------

FOUNDATION_ITEMS = [
    Item("G-01", FOUNDATION, 0, level(3)),  # 75: at or above 60, a strength
    Item("G-02", FOUNDATION, 1, level(1)),  # 25: a gap
    Item("G-03", FOUNDATION, 2, department=TAX),  # not answered: 0, and no gap
    Item("S-01", "std", 0, level(4)),  # 100
    Item("S-02", "std", 1, level(2)),  # 50
    Item("E-01", "sec", 0, level(1)),  # 25
]


def test_a_foundation_is_stated_beside_the_ladder_on_every_surface(personas, client):
    body = body_a(personas)
    round_ = build_round(body, FOUNDATION_ITEMS)
    board = check_every_surface(client, round_, body, FOUNDATION_ITEMS, pdf=True)

    assert [row.code for row in board.areas] == ["std", "sec"]
    assert board.overall == pytest.approx((100 + 50 + 25) / 3)  # the ladder's answers only
    assert (board.answered, board.total) == (5, 6)  # every question counts
    foundation = board.foundation
    assert foundation.score == pytest.approx((75 + 25 + 0) / 3)
    assert [(i.code, i.score) for i in foundation.indicators] == [
        ("G-01", 75.0),
        ("G-02", 25.0),
        ("G-03", None),
    ]
    assert [i.code for i in foundation.strengths] == ["G-01"]
    stages, _names = round_stages(round_)
    thresholds = [float(stage.threshold) for stage in stages]
    assert tuple(i.code for i in foundation.gaps) == expected_gaps(
        FOUNDATION_ITEMS, body.municipality.kind, thresholds, area=FOUNDATION
    )
    assert [i.code for i in foundation.gaps] == ["G-02"]

    # Nothing of the ladder counts it: the same round without the foundation says the same
    # everywhere, but for the foundation itself.
    ladder_only = [item for item in FOUNDATION_ITEMS if item.area != FOUNDATION]
    other_body = new_body(CITY)
    other = build_round(other_body, ladder_only)
    client.force_login(other_body.coordinator)
    _stages, names = round_stages(other)
    with_foundation = {
        "dashboard": said_by_dashboard(board),
        "show_scores": said_by_show_scores(show_scores(round_), names),
        "PDF": said_by_pdf(pdf_text(round_), round_),
    }
    without = {
        "dashboard": said_by_dashboard(dashboard_for(other)),
        "show_scores": said_by_show_scores(show_scores(other), names),
        "PDF": said_by_pdf(pdf_text(other), other),
    }
    for surface, said in with_foundation.items():
        assert said.foundation == "33.3", surface
        assert replace(said, foundation=None) == without[surface], surface
    document = show_scores(round_)
    assert document["stages"] == show_scores(other)["stages"]
    assert [a["code"] for a in document["foundation"]["areas"]] == [FOUNDATION]
    assert document["foundation"]["areas"][0]["stage_attained"] is None

    # The exports label the foundation's rows as such, with no stage attained.
    client.force_login(body.coordinator)
    rows = [r for r in csv_score_rows(client, round_) if r["行の種類"] == "団体全体"]
    labelled = [
        (r["集計単位"], r["分野コード"], r["到達段階"])
        for r in rows
        if r["分野コード"] in {"", FOUNDATION}
    ]
    assert ("推進体制（基盤）", "", "") in labelled
    assert ("基盤の分野", FOUNDATION, "") in labelled
    assert [r["集計単位"] for r in rows if r["分野コード"] == FOUNDATION] == ["基盤の分野"] + [
        "基盤の分野×段階"
    ] * 3
    assert [a for a in json_export(client, round_)["areas"] if a.get("is_foundation")] == [
        {"code": FOUNDATION, "name": "推進体制", "is_foundation": True}
    ]

    # The pages: the ladder's tables have no foundation; its own table does.
    page = parse(
        client.get(
            reverse("results:dashboard", args=[round_.municipality.code, round_.pk])
        ).content.decode()
    )
    ladder = page.find("section", **{"aria-labelledby": "ladder-heading"})
    assert [t.find("caption").text for t in ladder.find_all("table")] == ["標準化", "セキュリティ"]
    table = page.find("table", id="foundation-table")
    assert [row[0] for row in table.cells()] == ["G-01", "G-02", "G-03"]
    assert [row[-1] for row in table.cells()] == ["75.0", "25.0", "未回答"]


# --- generated rounds, every surface but the PDF -------------------------------------------

ANSWERS = st.one_of(st.none(), st.integers(0, 4).map(level), st.just(NOT_APPLICABLE))
APPLICABILITY = st.sampled_from([(), (), (), (PREFECTURE,), MUNICIPAL, (TOWN,)])


@st.composite
def generated_rounds(draw) -> tuple[str, list[Item]]:
    """A body's kind and 1–2 areas × 1–3 of the stages × 1–4 indicators a stage, each
    unanswered, at a level 0–4 or 該当しない, for every kind or for some, answered by the
    DX office or the tax office."""
    kind = draw(st.sampled_from([CITY, TOWN, PREFECTURE]))
    areas = draw(st.sampled_from([("std",), ("sec",), ("std", "sec")]))
    items: list[Item] = []
    for stage in sorted(draw(st.sets(st.integers(0, 2), min_size=1))):
        for _ in range(draw(st.integers(1, 4))):
            items.append(
                Item(
                    code=f"I-{len(items) + 1:02d}",
                    area=draw(st.sampled_from(areas)),
                    stage=stage,
                    answer=draw(ANSWERS),
                    kinds=draw(APPLICABILITY),
                    department=draw(st.sampled_from([DX, DX, TAX])),
                )
            )
    return kind, items


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(generated=generated_rounds())
def test_generated_rounds_read_the_same_everywhere(db, client, generated):
    kind, items = generated
    with transaction.atomic():  # each example in its own savepoint, rolled back
        body = new_body(kind)
        round_ = build_round(body, items)
        check_every_surface(client, round_, body, items, pdf=False)
        transaction.set_rollback(True)
