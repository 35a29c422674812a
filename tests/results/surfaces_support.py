"""Rounds built from a table of indicators, and what each surface states about them.

`build_round` opens a round on a new tiny edition (areas std and sec, and
the foundation gov when an item is in it: scored beside the ladder, results.scoring
rule 6; the factory's three stages with thresholds 60, 60, 70, maturity indicators 0..4)
for any kind of body, with each indicator's catalogue applicability
(municipality kinds) and answering department kind, answers it and stores
the snapshots.

Each reader returns what one surface says, as a `Said`: per area the score
as the pages print it (one decimal), the stage attained by name, each
stage's score and whether it is attained, and the gaps; `None` wherever the
surface says nothing of that (the data export has no gaps, the dashboard page
lists the indicator gaps of its gap areas only). The areas are those of the
ladder; the foundation's score is `Said.foundation`. `Said.only_as_stated_by`
cuts the reference down to what another surface states, so that one
`assert said == reference.only_as_stated_by(said)` compares them.
"""

import csv
import io
import json
import re
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from typing import Any

from django.core.management import call_command
from django.template.defaultfilters import floatformat
from django.urls import reverse

from accounts.models import Role
from assessments.models import Round
from exports.tables import round_export
from frameworks.models import Stage
from municipalities.codes import check_digit
from municipalities.models import Department, DepartmentKind, Municipality, MunicipalityKind
from reports.rendering import html_to_pdf, municipality_report_html
from results.dashboard import Dashboard, DepartmentResults
from results.highlights import HIGHLIGHTS
from results.models import SnapshotTrigger
from results.snapshots import snapshots_refresh
from results.stage_names import stage_label, stage_names
from tests.assessment_factories import open_round
from tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    MunicipalityFactory,
    PrefectureFactory,
    UserFactory,
)
from tests.frameworks.factories import (
    EditionFactory,
    IndicatorFactory,
    PolicyAreaFactory,
    make_stages,
)
from tests.reports import pdf_tools
from tests.results.test_snapshots import answer

AREAS = {
    "gov": ("推進体制", "Governance"),
    "std": ("標準化", "Standardisation"),
    "sec": ("セキュリティ", "Security"),
}
FOUNDATION = "gov"  # the foundation area, beside the ladder
NOT_APPLICABLE = {"not_applicable": True, "not_applicable_reason": "対象外"}
DX, TAX = DepartmentKind.DX_PROMOTION, DepartmentKind.TAXATION
CODE = re.compile(r"[A-Z]-\d\d")  # the indicator codes of these rounds: S-01, M-07…


def level(n: int) -> dict[str, int]:
    return {"level": n}


# --- building ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One indicator of the edition and the answer its department gives."""

    code: str  # CODE
    area: str  # a key of AREAS
    stage: int  # 0..2: digitization, digitalization, transformation
    answer: dict[str, Any] | None = None  # the Answer's fields; None: not answered
    kinds: tuple[str, ...] = ()  # the municipality kinds it is for (empty: every kind)
    department: str = DX  # the kind of department that answers it

    def applies_to(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds

    @property
    def points(self) -> float | None:
        """The answer's score: None when it has none (not answered, 該当しない)."""
        if not self.answer or self.answer.get("not_applicable"):
            return None
        return 25.0 * self.answer["level"]


@dataclass(frozen=True)
class Body:
    """A municipality (or prefecture) with a DX office, a tax office and a coordinator."""

    municipality: Municipality
    departments: dict[str, Department]  # by kind
    coordinator: Any  # a User


def body_a(personas) -> Body:
    """Municipality A of the personas (a city)."""
    return Body(
        personas.municipality_a,
        {DX: personas.department_a, TAX: personas.other_department_a},
        personas.coordinator_a,
    )


# 大阪府 and a municipality code the official list does not use: the factories' bodies are
# 東京都 and its 13901.., so these never clash with theirs.
PREFECTURE_CODE, MUNICIPALITY_CODE = "27000", "27901"


def new_body(kind: str) -> Body:
    """A new body of `kind`: 大阪府 for a prefecture, else a municipality of 大阪府."""
    prefecture = PrefectureFactory(
        code=PREFECTURE_CODE + str(check_digit(PREFECTURE_CODE)),
        name="大阪府",
        name_kana="オオサカフ",
    )
    if kind == MunicipalityKind.PREFECTURE:
        municipality = prefecture
    else:
        municipality = MunicipalityFactory(
            code=MUNICIPALITY_CODE + str(check_digit(MUNICIPALITY_CODE)),
            name="テスト町" if kind == MunicipalityKind.TOWN else "テスト市",
            name_kana="テストチョウ" if kind == MunicipalityKind.TOWN else "テストシ",
            kind=kind,
            prefecture=prefecture,
        )
    departments = {
        DX: DepartmentFactory(municipality=municipality, name="デジタル戦略課", kind=DX),
        TAX: DepartmentFactory(municipality=municipality, name="税務課", kind=TAX),
    }
    coordinator = MembershipFactory(
        user=UserFactory(), role=Role.COORDINATOR, municipality=municipality
    ).user
    return Body(municipality, departments, coordinator)


def build_round(body: Body, items: list[Item]) -> Round:
    """The body's round on a new edition of `items`, answered, with its snapshots stored.

    Indicators that do not apply to the body's kind are left out of the round by
    round_open (the catalogue's applicability), so they are never answered.
    """
    edition = EditionFactory()
    stages = make_stages(edition)  # thresholds 60, 60, 70
    used = {item.area for item in items}
    areas = {
        code: PolicyAreaFactory(
            edition=edition,
            code=code,
            order=n,
            name=name,
            name_en=name_en,
            is_foundation=code == FOUNDATION,
        )
        for n, (code, (name, name_en)) in enumerate(AREAS.items(), start=1)
        if code in used
    }
    for order, item in enumerate(items, start=1):
        IndicatorFactory(
            area=areas[item.area],
            stage=stages[item.stage],
            code=item.code,
            order=order,
            municipality_kinds=list(item.kinds),
            department_kinds=[item.department],
        )
    round_ = open_round(body.municipality, body.coordinator, edition=edition)
    kind = body.municipality.kind
    for item in items:
        if item.answer is not None and item.applies_to(kind):
            answer(round_, body.departments[item.department], item.code, **item.answer)
    snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
    return round_


def expected_gaps(
    items: list[Item],
    kind: str,
    thresholds: list[float],
    *,
    area: str | None = None,
    department: str | None = None,
) -> tuple[str, ...]:
    """The gaps by results.highlights' rule, worked out from the items: answered, applicable
    answers below their own stage's threshold, lowest margin first (then by code), at most
    HIGHLIGHTS; of one area (the foundation included) or of one department's card, else of
    the whole round (of the ladder: without an area, the foundation is left out)."""
    below = sorted(
        (item.points - thresholds[item.stage], item.code)
        for item in items
        if item.applies_to(kind)
        and (item.area == area if area is not None else item.area != FOUNDATION)
        and (department is None or item.department == department)
        and item.points is not None
        and item.points < thresholds[item.stage]
    )
    return tuple(code for _margin, code in below[:HIGHLIGHTS])


# --- what a surface says ----------------------------------------------------------------


@dataclass(frozen=True)
class AreaSaid:
    score: str  # one decimal, as the pages print it; — when there is none
    stage: str | None  # the stage attained, by name (未着手)
    steps: tuple[str, ...] | None = None  # each stage's score (— : nothing to score there)
    attained: tuple[bool, ...] | None = None  # each stage: attained?
    gaps: tuple[str, ...] | None = None  # the indicators listed as gaps, in order


@dataclass(frozen=True)
class Said:
    overall: tuple[str, str | None] | None  # (score, stage)
    areas: dict[str, AreaSaid]  # in the order the surface lists them
    gap_areas: tuple[str, ...] | None = None  # the areas listed as gaps, in order
    gaps: tuple[str, ...] | None = None  # the whole card's indicator gaps (a department's)
    foundation: str | None = None  # the foundation's score as printed; None: not stated

    def only_as_stated_by(self, other: "Said") -> "Said":
        """This statement with only what `other` states (its None fields left out)."""

        def area(code: str, mine: AreaSaid) -> AreaSaid:
            theirs = other.areas.get(code)
            if theirs is None:
                return mine
            return AreaSaid(
                **{
                    name: None if getattr(theirs, name) is None else getattr(mine, name)
                    for name in ("score", "stage", "steps", "attained", "gaps")
                }
            )

        return Said(
            overall=None if other.overall is None else self._overall_as(other.overall),
            areas={code: area(code, mine) for code, mine in self.areas.items()},
            gap_areas=None if other.gap_areas is None else self.gap_areas,
            gaps=None if other.gaps is None else self.gaps,
            foundation=None if other.foundation is None else self.foundation,
        )

    def _overall_as(self, theirs: tuple[str, str | None]) -> tuple[str, str | None] | None:
        if self.overall is None:
            return None
        return (self.overall[0], None if theirs[1] is None else self.overall[1])


def number(value: float | None) -> str:
    """A score as the pages print it."""
    return "—" if value is None else floatformat(value, 1)


def round_stages(round_: Round) -> tuple[list[Stage], dict[str, str]]:
    stages = list(Stage.objects.filter(edition=round_.edition).order_by("order"))
    return stages, stage_names(stages)


def _board_areas(rows, *, gaps: bool = True) -> dict[str, AreaSaid]:
    return {
        row.code: AreaSaid(
            score=number(row.score),
            stage=row.stage,
            steps=tuple(number(step.score) for step in row.ladder),
            attained=tuple(step.attained for step in row.ladder),
            gaps=tuple(i.code for i in row.gaps) if gaps else None,
        )
        for row in rows
    }


def _foundation(board: Dashboard | DepartmentResults) -> str | None:
    return number(board.foundation.score) if board.foundation else None


def said_by_dashboard(board: Dashboard) -> Said:
    """results.dashboard.dashboard_for: what the dashboard page and the PDF are made of."""
    return Said(
        overall=(number(board.overall), board.stage),
        areas=_board_areas(board.areas),
        gap_areas=tuple(row.code for row in board.gaps),
        foundation=_foundation(board),
    )


def said_by_department_results(results: DepartmentResults) -> Said:
    """results.dashboard.department_results_for: the department page's data."""
    return Said(
        overall=(number(results.overall), results.stage),
        areas=_board_areas(results.areas, gaps=False),
        gaps=tuple(i.code for i in results.gaps),
        foundation=_foundation(results),
    )


def said_by_dashboard_matrix(board: Dashboard, department: Department) -> Said:
    """The dashboard's department × area table: that department's area scores."""
    (row,) = [d for d in board.departments if d.department_id == department.pk]
    return Said(
        overall=None,
        areas={
            area.code: AreaSaid(score=number(score), stage=None)
            for area, score in zip(board.areas, row.scores, strict=True)
            if score is not None
        },
    )


def said_by_export_rows(round_: Round, department: Department | None = None) -> Said:
    """exports.tables.round_export(...).score_rows(): what the CSV, XLSX and JSON write."""
    name = department.name if department else None
    rows = [r for r in round_export(round_).score_rows() if r.department == name]
    return _said_by_score_rows(
        [(r.kind, r.area_code, r.stage_code, r.score, r.stage_attained_name) for r in rows]
    )


def _said_by_score_rows(rows: list[tuple[str, str, str, float | None, str]]) -> Said:
    overall = next(
        (number(score), stage) for kind, _a, _s, score, stage in rows if kind == "overall"
    )
    areas = {}
    for kind, area, _stage, score, stage in rows:
        if kind == "area":
            steps = tuple(number(s) for k, a, _st, s, _n in rows if k == "area_stage" and a == area)
            areas[area] = AreaSaid(score=number(score), stage=stage, steps=steps)
    foundation = next(
        (number(score) for kind, _a, _s, score, _n in rows if kind == "foundation"), None
    )
    return Said(overall=overall, areas=areas, foundation=foundation)


def _csv_number(text: str) -> float | None:
    return None if text == "" else float(text)


def csv_score_rows(client, round_: Round) -> list[dict[str, str]]:
    """The scores CSV (exports:table_csv), as downloaded, one dict per row."""
    url = reverse("exports:table_csv", args=[round_.municipality.code, round_.pk, "scores"])
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def said_by_csv(rows: list[dict[str, str]], department: Department | None = None) -> Said:
    """The scores CSV's rows of the municipality (団体全体) or of one department."""
    kinds = {
        "総合": "overall",
        "段階別": "stage",
        "分野": "area",
        "分野×段階": "area_stage",
        "推進体制（基盤）": "foundation",
        "基盤の分野": "foundation_area",
        "基盤の分野×段階": "foundation_area_stage",
    }
    kind, name = ("部署", department.name) if department else ("団体全体", "")
    return _said_by_score_rows(
        [
            (
                kinds[row["集計単位"]],
                row["分野コード"],
                row["段階コード"],
                _csv_number(row["得点"]),
                row["到達段階"],
            )
            for row in rows
            if (row["行の種類"], row["部署"]) == (kind, name)
        ]
    )


def json_export(client, round_: Round) -> dict[str, Any]:
    """The JSON export (exports:document), as downloaded."""
    url = reverse("exports:document", args=[round_.municipality.code, round_.pk])
    response = client.get(url)
    assert response.status_code == 200
    return json.loads(response.content)


def said_by_json_export(
    document: dict[str, Any], names: dict[str, str], department: Department | None = None
) -> Said:
    """The JSON export's stored card of the municipality or of one department (its areas in
    catalogue order: the card keeps scoring's order, which the document does not promise)."""
    name = department.name if department else None
    (card,) = [s["card"] for s in document["scores"] if s["department"] == name]
    order = [a["code"] for a in document["areas"]]
    return Said(
        overall=(number(card["overall"]["score"]), stage_label(card["stage_attained"], names)),
        areas={
            area["area"]: AreaSaid(
                score=number(area["score"]),
                stage=stage_label(area["stage_attained"], names),
                steps=tuple(number(cell["score"]) for cell in area["by_stage"]),
            )
            for area in sorted(card["areas"], key=lambda a: order.index(a["area"]))
            if not area.get("is_foundation")
        },
        foundation=number(card["foundation"]["score"]) if "foundation" in card else None,
    )


def show_scores(round_: Round) -> dict[str, Any]:
    """`manage.py show_scores --format json`, as printed."""
    out = io.StringIO()
    call_command(
        "show_scores",
        "--municipality",
        round_.municipality.code,
        "--round",
        str(round_.pk),
        "--format",
        "json",
        stdout=out,
    )
    return json.loads(out.getvalue())


def said_by_show_scores(document: dict[str, Any], names: dict[str, str]) -> Said:
    # Its numbers are rounded to one decimal already: the page's rounding of them must be
    # what the page prints.
    return Said(
        overall=(
            number(document["overall"]["score"]),
            stage_label(document["overall"]["stage_attained"], names),
        ),
        areas={
            area["code"]: AreaSaid(
                score=number(area["score"]),
                stage=stage_label(area["stage_attained"], names),
                steps=tuple(number(cell["score"]) for cell in area["stages"]),
                attained=tuple(cell["attained"] for cell in area["stages"]),
            )
            for area in document["areas"]
        },
        foundation=number(document["foundation"]["score"]) if "foundation" in document else None,
    )


# --- the HTML pages -----------------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    children: list["Node | str"] = field(default_factory=list)

    @property
    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return re.sub(r"\s+", " ", " ".join(parts)).strip()

    def find_all(self, tag: str, **attrs: str) -> list["Node"]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag and all(child.attrs.get(k) == v for k, v in attrs.items()):
                    found.append(child)
                found += child.find_all(tag, **attrs)
        return found

    def find(self, tag: str, **attrs: str) -> "Node":
        (found,) = self.find_all(tag, **attrs)
        return found

    def cells(self) -> list[list[str]]:
        """A table's body rows, each as its cells' texts."""
        return [
            [c.text for c in row.children if isinstance(c, Node) and c.tag in {"th", "td"}]
            for row in self.find("tbody").find_all("tr")
        ]


VOID = {"meta", "link", "input", "br", "img", "hr", "source", "wbr", "col", "area", "base"}


class _Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self._open = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs))
        self._open[-1].children.append(node)
        if tag not in VOID:
            self._open.append(node)

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, 0, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                return

    def handle_data(self, data):
        self._open[-1].children.append(data)


def parse(html: str) -> Node:
    tree = _Tree()
    tree.feed(html)
    tree.close()
    return tree.root


def _page(client, url: str) -> Node:
    response = client.get(url)
    assert response.status_code == 200
    return parse(response.content.decode())


def _code_by_name(round_: Round) -> dict[str, str]:
    return {area.name: area.code for area in round_.edition.areas.all()}


def _page_areas(page: Node, by_name: dict[str, str]) -> dict[str, AreaSaid]:
    """The area table (score, stage) and the ladder tables (each stage's score, attained)."""
    ladders = {}
    for table in page.find("section", **{"aria-labelledby": "ladder-heading"}).find_all("table"):
        rows = table.cells()  # stage, score, threshold, attained
        ladders[by_name[table.find("caption").text]] = (
            tuple(row[1] for row in rows),
            tuple(row[3].startswith("✓") for row in rows),
        )
    areas = {}
    for row in page.find("table", id="areas-table").cells():
        code = by_name[row[0]]
        steps, attained = ladders[code]
        # Columns: area, this round, [previous, peer median, target,] stage, answered.
        areas[code] = AreaSaid(score=row[1], stage=row[-2], steps=steps, attained=attained)
    return areas


def said_by_dashboard_page(client, round_: Round) -> Said:
    """The dashboard page (results:dashboard) as rendered."""
    page = _page(client, reverse("results:dashboard", args=[round_.municipality.code, round_.pk]))
    by_name = _code_by_name(round_)
    areas = _page_areas(page, by_name)
    gap_areas = []
    section = page.find("section", **{"aria-labelledby": "gaps-heading"})
    for list_ in section.find_all("ol"):
        for item in [c for c in list_.children if isinstance(c, Node) and c.tag == "li"]:
            name = next(c for c in item.children if isinstance(c, str) and c.strip()).strip()
            code = by_name[re.sub(r"（.*", "", name)]
            gap_areas.append(code)
            indicators = tuple(CODE.match(li.text).group() for li in item.find_all("li"))
            areas[code] = replace(areas[code], gaps=indicators)
    overall = page.find("dd", id="overall-score").text
    return Said(
        overall=(overall, None),
        areas=areas,
        gap_areas=tuple(gap_areas),
        foundation=_page_foundation(page),
    )


def _page_foundation(page: Node) -> str | None:
    found = page.find_all("dd", id="foundation-score")
    return found[0].text if found else None


def said_by_department_page(client, round_: Round, department: Department) -> Said:
    """One department's page (results:department) as rendered."""
    url = reverse("results:department", args=[round_.municipality.code, round_.pk, department.pk])
    page = _page(client, url)
    gaps = page.find_all("ol", id="gaps-list")
    return Said(
        overall=(page.find("dd", id="overall-score").text, None),
        areas=_page_areas(page, _code_by_name(round_)),
        gaps=tuple(CODE.match(li.text).group() for li in gaps[0].find_all("li")) if gaps else (),
        foundation=_page_foundation(page),
    )


# --- the PDF ------------------------------------------------------------------------------


def pdf_text(round_: Round) -> str:
    """The municipality report's text (pdftotext), every run of white space removed."""
    return re.sub(r"\s+", "", pdf_tools.text(html_to_pdf(municipality_report_html(round_))))


def said_by_pdf(text: str, round_: Round) -> Said:
    """The municipality report: the summary's gap areas and each area's section."""
    stages, names = round_stages(round_)
    areas = list(round_.edition.areas.order_by("order"))
    by_name = {area.name: area.code for area in areas}
    stage_pattern = "|".join(re.escape(name) for name in [*names.values(), "未着手"])
    said = {}
    sections = re.finditer(
        rf"(?P<name>{'|'.join(re.escape(n) for n in by_name)})"
        rf"得点(?P<score>[\d.]+|—)点?、到達段階(?P<stage>{stage_pattern})（\d+／\d+指標に回答）"
        r"段階ごとの得点：(?P<ladder>.*?)強み.*?課題(?P<gaps>.*?)次の一歩",
        text,
    )
    for match in sections:
        steps, attained = [], []
        for stage in stages:
            step = re.search(
                rf"{re.escape(stage.name)}(?:(?P<score>[\d.]+)（基準[\d.]+、(?P<state>到達|未到達)）"
                r"|対象なし（通過）)",
                match["ladder"],
            )
            assert step, (stage.name, match["ladder"])
            steps.append(step["score"] or "—")
            attained.append(step["state"] == "到達")
        said[by_name[match["name"]]] = AreaSaid(
            score=match["score"],
            stage=match["stage"],
            steps=tuple(steps),
            attained=tuple(attained),
            gaps=tuple(CODE.findall(match["gaps"])),
        )
    overall = re.search(
        rf"総合得点到達段階回答率(?P<score>[\d.—]+)(?P<stage>{stage_pattern})", text
    )
    foundation = re.search(r"推進体制（基盤）の得点は(?P<score>[\d.—]+)点", text)
    return Said(
        overall=(overall["score"], overall["stage"]) if overall else None,
        areas=said,  # in the report's order
        gap_areas=_pdf_gap_areas(text, by_name),
        foundation=foundation["score"] if foundation else None,
    )


NO_GAP_AREA = "段階の基準点に届かない分野はありません。"  # what the dashboard says then


def _pdf_gap_areas(text: str, by_name: dict[str, str]) -> tuple[str, ...]:
    """The summary's 課題: its numbered areas, () when it says there is none as the dashboard
    does, or ("?",) when it says anything else."""
    names = "|".join(re.escape(n) for n in by_name)
    listed = re.search(rf"概要.*?強み.*?課題((?:\d+\.(?:{names})（[\d.—]+点）)+)", text)
    if listed:
        return tuple(by_name[n] for n in re.findall(rf"\d+\.({names})（", listed[1]))
    summary = re.search(r"概要.*?強み.*?課題(.*?)図1", text)
    if summary and summary[1].startswith(NO_GAP_AREA):
        return ()
    return ("?",)
