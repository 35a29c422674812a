"""Makes the LibreOffice fixtures beside this file (not a test; see README.md).

    PYTHONPATH=$PWD DJANGO_ENV=development python -m pytest -p no:cacheprovider \
        tests/assessments/files/libreoffice/make_fixtures.py

exports the fixed questionnaire of workbook_support.make_workbook_round, then has
LibreOffice (edit_in_libreoffice.py, run by the system Python with the UNO bridge)
open it, make each fixture's edits and save it as .xlsx.
"""

import json
import subprocess
from pathlib import Path

from openpyxl.utils import get_column_letter

from assessments.workbooks.layout import COLUMN_NUMBER
from tests.assessments.workbook_support import export, find_row, load, make_workbook_round

HERE = Path(__file__).parent
UNO_PYTHON = "/usr/bin/python3"
FIRST, SECOND = "1 取組分野1", "2 取組分野2"


def _address(workbook, code: str, key: str) -> tuple[str, str]:
    sheet, row = find_row(workbook, code)
    return sheet.title, f"{get_column_letter(COLUMN_NUMBER[key])}{row}"


def _fixtures(workbook) -> dict[str, list[list]]:
    """fixture name → LibreOffice steps (edit_in_libreoffice.py)."""
    typed = [
        ["text", *_address(workbook, "STD-01", "level"), "3: 全庁で実施"],
        ["number", *_address(workbook, "PCT-01", "answer"), 60],
    ]
    _sheet, deleted_row = find_row(workbook, "YES-01")
    return {
        "resaved": typed,
        "row-deleted": [["unprotect", FIRST], *typed, ["delete_row", FIRST, deleted_row]],
        "sheet-added": [
            ["unprotect_structure"],
            ["insert_sheet", "メモ", 2],
            ["text", "メモ", "A1", "確認事項"],
            ["text", "メモ", "A2", "課長に確認する"],
            *typed,
        ],
        "sheet-renamed": [["unprotect_structure"], ["rename_sheet", SECOND, "取組分野2（済）"]],
        "sheet-deleted": [["unprotect_structure"], ["delete_sheet", SECOND]],
        "row-past-the-cap": [["unprotect", FIRST], ["text", FIRST, "K1500", "はみ出し"]],
    }


def test_make_libreoffice_fixtures(personas, tmp_path):
    source = tmp_path / "exported.xlsx"
    data = export(make_workbook_round(personas))
    source.write_bytes(data)
    for name, steps in _fixtures(load(data)).items():
        job = tmp_path / f"{name}.json"
        job.write_text(
            json.dumps(
                {"source": str(source), "target": str(HERE / f"{name}.xlsx"), "steps": steps},
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        subprocess.run(
            [UNO_PYTHON, str(HERE / "edit_in_libreoffice.py"), str(job)],
            check=True,
            timeout=120,
        )
