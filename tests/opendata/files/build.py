"""Writes the fixture files of this folder in the shapes the importer reads (opendata/FORMAT.md).

    python tests/opendata/files/build.py

The files are committed; this script says how each was made and makes them again.
Real bodies of fixtures/municipalities/municipalities.csv; the figures are invented.
"""

import io
import zipfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent

TITLE = ["自治体DXの取組に関するダッシュボード（2026年9月30日時点）"]
NOTE = ["※ 「-」は該当なし・未回答。出典：デジタル庁"]
# 都道府県 row: a merged cell (blank to the right of its first column) as Excel writes it.
PREFECTURES = [
    "都道府県",
    "北海道",
    "",
    "",
    "",
    "",
    "福島県",
    "東京都",
    "",
    "",
    "",
    "広島県",
    "神奈川県",
    "",
    "",
]
NAMES = ["団体名", "北海道", "札幌市", "小樽市", "函館市", "伊達市", "伊達市", "千代田区", "新宿区", "府中市",
         "西多摩郡瑞穂町", "府中市", "横浜市", "葉山町", "清川村"]  # fmt: skip
MYNUMBER = ["マイナンバーカード保有枚数率", "81.5%", "78.2%", "77.0%", "80.4%", "72.3%", "85.1%", "79.9%",
            "76.4%", "83.0%", "-", "88.6%", "80.0%", "82.7%", "―"]  # fmt: skip
ONLINE32 = ["よく使う32手続オンライン化率", "", "90.6", "65.6", "71.9", "50", "62.5", "100", "96.9", "87.5",
            "40.6", "56.3", "93.8", "68.8", "34.4"]  # fmt: skip
APPLY52 = ["52手続オンライン申請率", "", "41.2%", "30.5%", "28.8%", "22.0%", "35.5%", "55.1%", "47.3%",
           "39.9%", "15.0%", "33.3%", "44.4%", "26.0%", "12.5%"]  # fmt: skip
AI = ["AI導入", "○", "○", "○", "○", "×", "○", "○", "○", "○", "×", "○", "○", "○", "×"]


def csv_bytes(rows, encoding: str) -> bytes:
    text = "".join(",".join(row) + "\r\n" for row in rows)
    return text.encode(encoding)


def dashboard_rows(*items):
    return [TITLE, NOTE, [], PREFECTURES, NAMES, *items, ["※ 割合は小数第1位まで"]]


def xlsx_bytes(rows, *, percent_items=()) -> bytes:
    """The table as the dashboard's workbook has it: percentages as numbers shown with %."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "ダッシュボード"
    for row in rows:
        cells = []
        for column, value in enumerate(row):
            if row and row[0] in percent_items and column and value.endswith("%"):
                cells.append(float(value.removesuffix("%")) / 100)
            else:
                cells.append(value or None)
        sheet.append(cells)
        if row and row[0] in percent_items:
            for cell in sheet[sheet.max_row][1:]:
                cell.number_format = "0.0%"
    notes = workbook.create_sheet("注記")
    notes.append(["この表の割合は、各団体の回答によります。"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def build() -> dict[str, bytes]:
    mynumber_csv = csv_bytes(dashboard_rows(MYNUMBER, AI), "cp932")
    online_xlsx = xlsx_bytes(dashboard_rows(ONLINE32, APPLY52), percent_items={APPLY52[0]})
    codes = [
        ["団体コード", "団体名", "マイナンバーカード保有枚数率", "52手続オンライン申請率"],
        ["132063", "府中市", "８３．０％", "39.9"],
        ["342084", "府中市", "88.6%", "-"],
        ["012335", "伊達市", "72.3", ""],
        ["072133", "伊達市", "85.1%", "35.5%"],
        ["131016", "千代田区", "79.9%", "55.1%"],
    ]
    return {
        "dashboard-sjis.csv": csv_bytes(dashboard_rows(MYNUMBER, ONLINE32, APPLY52, AI), "cp932"),
        "dashboard.xlsx": xlsx_bytes(
            dashboard_rows(MYNUMBER, ONLINE32, APPLY52, AI),
            percent_items={MYNUMBER[0], APPLY52[0]},
        ),
        "dashboard.zip": zip_bytes(
            {"mynumber.csv": mynumber_csv, "online.xlsx": online_xlsx, "README.txt": b"notes"}
        ),
        "codes.csv": csv_bytes(codes, "utf-8-sig"),
        # Bad files: each refused with the place named, nothing imported.
        "bad-unknown-municipality.csv": csv_bytes(
            [PREFECTURES[:3], ["団体名", "北海道", "府中市"], MYNUMBER[:3]], "cp932"
        ),
        "bad-name-without-prefecture.csv": csv_bytes(
            [["団体名", "府中市", "伊達市"], ["マイナンバーカード保有枚数率", "83.0%", "72.3%"]],
            "cp932",
        ),
        "bad-number.csv": csv_bytes(
            dashboard_rows(MYNUMBER[:4] + ["七十二%"] + MYNUMBER[5:]), "cp932"
        ),
        "bad-percent-range.csv": csv_bytes(
            dashboard_rows(MYNUMBER[:2] + ["123.4%"] + MYNUMBER[3:]), "cp932"
        ),
        "bad-unknown-item.csv": csv_bytes(
            dashboard_rows(MYNUMBER, ["住民満足度", *MYNUMBER[1:]]), "cp932"
        ),
        "bad-encoding.csv": csv_bytes(dashboard_rows(MYNUMBER), "utf-16"),
        "bad-check-digit.csv": csv_bytes(
            [codes[0], ["132064", "府中市", "83.0%", "39.9"]], "utf-8"
        ),
        "bad-duplicate.zip": zip_bytes({"a.csv": mynumber_csv, "b.csv": mynumber_csv}),
        "bad-zip-bomb.zip": zip_bytes({"dashboard.csv": b"0" * (2 * 1024 * 1024)}),
        "bad-too-many-members.zip": zip_bytes(
            {f"part-{n:02d}.csv": mynumber_csv for n in range(25)}, compression=zipfile.ZIP_STORED
        ),
        "bad-path.zip": zip_bytes({"../dashboard.csv": mynumber_csv}),
    }


if __name__ == "__main__":
    for name, data in build().items():
        (HERE / name).write_bytes(data)
        print(name, len(data))
