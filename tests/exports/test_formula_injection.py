"""Formula injection (CWE-1236): no exported cell can start a formula in Excel or LibreOffice."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from exports.writers import Column, Table, csv_bytes, write_sheet
from results.models import SnapshotTrigger
from results.snapshots import snapshots_refresh
from tests.results.test_snapshots import answer, make_tiny_round

STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
PAYLOADS = [
    '=HYPERLINK("http://evil.example/","クリック")',
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(A1)",
    "'=already quoted",
]


def _unsafe(text: str) -> bool:
    return text.startswith(STARTS)


@pytest.fixture
def hostile_round(personas):
    """One indicator per payload, each answered with the payload as comment."""
    round_ = make_tiny_round(personas, [(f"P-{n:02d}", "std", 0) for n in range(len(PAYLOADS))])
    for n, payload in enumerate(PAYLOADS):
        answer(round_, personas.department_a, f"P-{n:02d}", level=1, comment=payload)
    snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
    return round_


def _export(client, personas, round_, name, **kwargs):
    client.force_login(personas.coordinator_a)
    address = reverse(
        f"exports:{name}",
        kwargs={"code": round_.municipality.code, "round_id": round_.pk, **kwargs},
    )
    return client.get(address).content


@pytest.mark.django_db
def test_every_payload_is_text_in_the_csv(client, personas, hostile_round):
    content = _export(client, personas, hostile_round, "table_csv", table="answers")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    comments = [row[header.index("コメント")] for row in body]
    for payload in PAYLOADS:
        assert "'" + payload in comments, payload
    assert not [cell for row in rows for cell in row if _unsafe(cell)]


@pytest.mark.django_db
def test_every_payload_is_a_string_cell_in_the_xlsx(client, personas, hostile_round):
    content = _export(client, personas, hostile_round, "workbook")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert not [text for text in texts if _unsafe(text)]
    assert "'" + PAYLOADS[0] in texts


@given(st.text(alphabet=st.sampled_from([*STARTS, "'", "a", "1", "漢", "\n", " "]), max_size=12))
def test_any_text_comes_back_safe_and_whole(text):
    table = Table([Column("列", lambda row: row)], [text])

    (cell,) = list(csv.reader(io.StringIO(csv_bytes(table).decode("utf-8-sig"))))[1] or [""]
    assert not _unsafe(cell)
    # Nothing is lost: the apostrophe is the only change.
    assert cell in (text, "'" + text)

    workbook = Workbook()
    write_sheet(workbook, "表", ["列"], table.values())
    sheet = workbook["表"]
    value = sheet["A2"].value
    assert sheet["A2"].data_type != "f"
    assert value is None or not _unsafe(value)
