"""Hostile and broken uploads: each is refused quickly, with a message, a 400 and no change.

SECURITY 18: size, zip entry count, uncompressed size and ratio are checked
before openpyxl opens anything; macros, external links and XML entity
definitions are refused; a fuzzed workbook never gives a 500 or a partial
import.
"""

import datetime
import functools
import io
import random
import time
import zipfile

import defusedxml
import openpyxl
import pytest
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db import transaction

from assessments.answering import answer_values_of
from assessments.models import Answer, AnswerChange
from assessments.workbooks import reading
from assessments.workbooks.layout import COLUMN_NUMBER
from tests.assessments.workbook_support import (
    apply,
    export,
    fill,
    make_workbook_round,
    rezip,
    upload,
)

QUICK = 2.0  # seconds; each refusal measured here takes well under 0.5 s

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'.encode()
        for n in range(1, 10)
    )
    + b']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    b' count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
)
SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" />'
)


@pytest.fixture
def questionnaire(personas):
    return make_workbook_round(personas)


@pytest.fixture
def respondent(client, personas):
    client.force_login(personas.respondent_a)
    return client


@pytest.fixture
def valid(questionnaire) -> bytes:
    return fill(export(questionnaire), {"STD-01": {"level": "2"}, "PCT-01": {"answer": 40}})


@functools.cache
def _zip_bomb() -> bytes:
    """One entry of 200 MB of zeros, about 200 KB compressed."""
    out = io.BytesIO()
    zeros = bytes(1 << 20)
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry,
    ):
        for _ in range(200):
            entry.write(zeros)
    return out.getvalue()


def _many_entries(valid: bytes) -> bytes:
    return rezip(valid, add={f"xl/media/image{n}.png": b"x" for n in range(300)})


def _with_vba(valid: bytes) -> bytes:
    return rezip(valid, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"})


def _macro_content_type(valid: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(valid)) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    return rezip(valid, replace={"[Content_Types].xml": types})


def _external_link(valid: bytes) -> bytes:
    return rezip(valid, add={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"})


def _billion_laughs(valid: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(valid)) as archive:
        types = archive.read("[Content_Types].xml")
    return rezip(
        valid,
        replace={
            "[Content_Types].xml": types.replace(b"</Types>", SHARED_STRINGS_TYPE + b"</Types>")
        },
        add={"xl/sharedStrings.xml": BILLION_LAUGHS},
    )


def _png(valid: bytes) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(2000)


def _random(valid: bytes) -> bytes:
    return random.Random(2).randbytes(4096)


def _xls(valid: bytes) -> bytes:
    return reading.OLE_MAGIC + bytes(4000)


def _docx(valid: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types><Override ContentType='word'/></Types>")
        archive.writestr("word/document.xml", b"<document/>")
    return out.getvalue()


def _bad_crc(valid: bytes) -> bytes:
    data = bytearray(valid)
    with zipfile.ZipFile(io.BytesIO(valid)) as archive:
        info = archive.getinfo("xl/worksheets/sheet2.xml")
    name_length = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_length = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_length + extra_length
    for offset in range(start + 100, start + 110):
        data[offset] ^= 0xFF
    return bytes(data)


def _truncated(valid: bytes) -> bytes:
    return valid[: len(valid) // 2]


HOSTILE = {
    "zip bomb (200 MB entry)": (lambda valid: _zip_bomb(), "展開すると大きくなりすぎる"),
    "too many entries": (_many_entries, "ZIPの項目が 200 を超えて"),
    "vbaProject.bin": (_with_vba, "マクロを含むファイル"),
    "macro-enabled content type (.xlsm)": (_macro_content_type, "マクロを含むファイル"),
    "external link": (_external_link, "外部参照"),
    "billion laughs in sharedStrings.xml": (_billion_laughs, "DTD・エンティティ"),
    "PNG renamed .xlsx": (_png, "Excelブック（.xlsx）ではありません"),
    "random bytes": (_random, "Excelブック（.xlsx）ではありません"),
    "Excel 97-2003 (.xls)": (_xls, "Excel 97-2003 形式"),
    "Word document renamed .xlsx": (_docx, "Excelブック（.xlsx）ではありません"),
    "damaged entry (CRC)": (_bad_crc, "ファイルを読み込めませんでした"),
    "truncated file": (_truncated, "ファイルを読み込めませんでした"),
}


def _assert_refused(response, message: str, started: float) -> None:
    elapsed = time.perf_counter() - started
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page, page[-3000:]
    assert 'role="alert"' in page
    assert elapsed < QUICK, f"took {elapsed:.2f} s"
    assert not Answer.objects.exists() and not AnswerChange.objects.exists()


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_file_is_refused_quickly_with_a_message(respondent, questionnaire, valid, case):
    build, message = HOSTILE[case]
    data = build(valid)
    started = time.perf_counter()
    response = upload(respondent, questionnaire, data)
    _assert_refused(response, message, started)


def test_fifty_megabyte_file_is_refused_without_being_kept(
    respondent, questionnaire, tmp_path, monkeypatch
):
    kept = []
    original = TemporaryFileUploadHandler.receive_data_chunk

    def counting(self, raw_data, start):
        kept.append(len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", counting)
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: costs no disk
    started = time.perf_counter()
    with path.open("rb") as handle:
        response = respondent.post(
            f"/questionnaires/{questionnaire.pk}/workbook/upload/", {"file": handle}
        )
    _assert_refused(response, "ファイルが大きすぎます（上限は 5 MB です）", started)
    assert sum(kept) <= reading.MAX_FILE_BYTES, "the upload handler stopped storing at the limit"


def test_empty_file_is_refused(respondent, questionnaire):
    started = time.perf_counter()
    response = upload(respondent, questionnaire, b"")
    _assert_refused(response, "空", started)


def test_total_uncompressed_size_is_capped_even_at_modest_ratios(monkeypatch):
    monkeypatch.setattr(reading, "MAX_RATIO", 10**6)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(60):
            archive.writestr(f"xl/part{n}.xml", bytes(1 << 20))
    with pytest.raises(reading.WorkbookRejected, match="展開後の上限は 50 MB"):
        reading.archive_check(out.getvalue())


def test_openpyxl_itself_refuses_entities_through_defusedxml(valid):
    """The second line of defence: openpyxl parses with defusedxml when it is installed."""
    assert openpyxl.DEFUSEDXML
    with pytest.raises(ValueError, match="could not read strings") as refused:
        openpyxl.load_workbook(io.BytesIO(_billion_laughs(valid)), read_only=True, data_only=True)
    assert isinstance(refused.value.__cause__, defusedxml.EntitiesForbidden)


def test_entities_are_refused_even_if_the_dtd_check_were_missing(
    respondent, questionnaire, valid, monkeypatch
):
    monkeypatch.setattr(reading, "_check_contents", lambda archive, infos: None)
    started = time.perf_counter()
    response = upload(respondent, questionnaire, _billion_laughs(valid))
    _assert_refused(response, "ファイルを読み込めませんでした", started)


def _mutations(valid: bytes, count: int):
    """Byte-level damage to the archive, and damage inside its XML parts (which passes the CRC)."""
    rng = random.Random(20260603)
    with zipfile.ZipFile(io.BytesIO(valid)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    for n in range(count):
        data = bytearray(valid)
        kind = n % 6
        if kind == 0:  # flip a few bytes anywhere
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] ^= rng.randint(1, 255)
        elif kind == 1:  # flip bytes in the central directory at the end
            for _ in range(rng.randint(1, 4)):
                data[rng.randrange(len(data) - 600, len(data))] ^= rng.randint(1, 255)
        elif kind == 2:  # cut it short
            data = data[: rng.randrange(len(data))]
        elif kind == 3:  # insert garbage
            at = rng.randrange(len(data))
            data[at:at] = rng.randbytes(rng.randint(1, 64))
        else:  # damage one XML part, then zip it properly
            name = rng.choice(sorted(parts))
            part = bytearray(parts[name])
            for _ in range(rng.randint(1, 6)):
                position = rng.randrange(len(part))
                if kind == 4:
                    part[position] = rng.choice(b'<>&"=/ 0123456789abcdefghijklmnopqrstuvwxyz')
                else:
                    part[position : position + rng.randint(1, 40)] = b""
            data = bytearray(rezip(valid, replace={name: bytes(part)}))
        yield bytes(data)


def test_fuzzed_workbooks_never_fail_and_never_import_partly(respondent, questionnaire, valid):
    outcomes = {200: 0, 400: 0}
    for data in _mutations(valid, 60):
        with transaction.atomic():
            response = upload(respondent, questionnaire, data)
            assert response.status_code in (200, 400), response.status_code
            outcomes[response.status_code] += 1
            if response.status_code == 200 and response.context["token"]:
                expected = {c.code for c in response.context["preview"].changes}
                applied = apply(respondent, questionnaire, response)
                assert applied.status_code in (302, 409)
                saved = set(
                    Answer.objects.filter(questionnaire=questionnaire).values_list(
                        "indicator__code", flat=True
                    )
                )
                assert saved in (set(), expected), "all or nothing"
            else:
                assert not Answer.objects.exists()
            transaction.set_rollback(True)
    assert outcomes[400] > 0
    assert outcomes[200] > 0, "some damage is harmless: those previews must still apply atomically"


CELL_VALUES = [
    "",
    "はい",
    "いいえ",
    "たぶん",
    "３",
    "2: 一部で実施",
    "9: 存在しない",
    "一部で導入",
    "=1+1",
    '\'=HYPERLINK("http://x","y")',
    "https://example.jp/evidence",
    "ftp://example.jp",
    "ｘ" * 12_000,
    "\u202e逆向き",
    "１２３，４５６",
    -1,
    0,
    12,
    100.5,
    1e20,
    True,
    datetime.datetime(2026, 6, 3, 9, 0),
    None,
]


def test_fuzzed_cell_contents_never_fail_and_never_import_partly(respondent, questionnaire):
    """Random values in random cells, locked ones included, as a careless or hostile person would."""
    rng = random.Random(611)
    exported = export(questionnaire)
    codes = ["STD-01", "STD-02", "STD-03", "CHO-01", "YES-01", "PCT-01", "CNT-02", "TXT-01"]
    # Mostly input cells, sometimes a locked one.
    keys = [*["level", "target_level", "answer", "not_applicable", "comment"] * 4, *COLUMN_NUMBER]
    outcomes = {200: 0, 400: 0}
    for _ in range(40):
        edits: dict[str, dict[str, object]] = {}
        for _ in range(rng.randint(1, 3)):
            edits.setdefault(rng.choice(codes), {})[rng.choice(keys)] = rng.choice(CELL_VALUES)
        with transaction.atomic():
            response = upload(respondent, questionnaire, fill(exported, edits))
            assert response.status_code in (200, 400), edits
            outcomes[response.status_code] += 1
            if response.context["token"]:
                changes = {c.code: c.values for c in response.context["preview"].changes}
                assert apply(respondent, questionnaire, response).status_code == 302
                saved = {
                    a.indicator.code: answer_values_of(a)
                    for a in Answer.objects.filter(questionnaire=questionnaire).select_related(
                        "indicator", "choice"
                    )
                }
                assert saved == changes, "exactly what the preview showed"
            else:
                assert not Answer.objects.exists()
            transaction.set_rollback(True)
    assert outcomes[200] and outcomes[400]
