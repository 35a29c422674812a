"""audit.describing: an event's detail in words, in the reader's language, whatever shape an
older event kept. No database: an event is described from itself."""

import pytest
from django.utils import translation

from audit import detail
from audit.describing import describe, shown
from audit.models import AuditAction, AuditEvent
from plans.models import ActionItem, ActionStatus


def _event(action, detail=None, target="", actor_email=""):
    return AuditEvent(action=action, detail=detail or {}, target=target, actor_email=actor_email)


QUESTIONNAIRE = {"department": "税務課", "fiscal_year": 2026}
INDICATOR = {
    "code": "MNC-01",
    "question": {"ja": "マイナンバーカードの保有枚数率", "en": "Card rate"},
}


def test_stored_values_read_as_people_chose_them():
    assert shown(None) == shown("") == shown([]) == "（なし）"
    assert shown(detail.word(ActionStatus.IN_PROGRESS.label)) == "進行中"
    assert shown({"date": "2026-09-30"}) == "2026年9月30日"
    assert shown({"ja": "取組分野1", "en": "Area 1"}) == "取組分野1"
    assert shown(["DX推進課", "税務課"]) == "DX推進課、税務課"
    assert shown(True) == "はい"  # older events kept booleans


def test_the_portal_s_own_words_are_translated_when_read():
    """Labels are kept as their Japanese msgid; a reader in English gets English."""
    label = detail.word(ActionItem._meta.get_field("status").verbose_name)
    assert label == {"msgid": "状態"}
    with translation.override("en"):
        assert shown(label) == "Status"
        assert shown({"ja": "取組分野1", "en": "Area 1"}) == "Area 1"
        assert shown({"date": "2026-09-30"}) != "2026年9月30日"
        assert describe(_event(AuditAction.ROUND_CLOSED, {"round": {"fiscal_year": 2026}}))
        assert "FY2026" in describe(
            _event(AuditAction.ROUND_CLOSED, {"round": {"fiscal_year": 2026}})
        )


def test_an_answer_change_names_the_questionnaire_the_indicator_and_each_change():
    event = _event(
        AuditAction.ANSWER_CHANGED,
        {
            "questionnaire": QUESTIONNAIRE,
            "indicator": INDICATOR,
            "via": "excel",
            "changes": [
                detail.change({"msgid": "選択肢"}, None, "計画中"),
                detail.change({"msgid": "コメント"}, "前", "後"),
            ],
        },
    )
    assert describe(event) == (
        "税務課の2026年度（令和8年度）の調査票のMNC-01 マイナンバーカードの保有枚数率の回答を変更しました："
        "選択肢：（なし） → 計画中／コメント：前 → 後（Excelから取り込み）"
    )


@pytest.mark.parametrize(
    ("action", "recorded", "target", "words"),
    [
        # Answer changes named the questionnaire by id and kept field names.
        (
            AuditAction.ANSWER_CHANGED,
            {"via": "web", "changes": {"level": [2, 3], "choice_code": [None, "planned"]}},
            "questionnaire 1 MNC-01",
            "questionnaire 1 MNC-01の回答を変更しました：現在値：2 → 3／選択肢：（なし） → planned",
        ),
        (
            AuditAction.ASSIGNMENT_CHANGED,
            {"indicator": "STD-01", "changes": {"owner": ["DX推進課", "税務課"]}},
            "横浜市 2026年度 STD-01",
            "横浜市 2026年度 STD-01の担当を変更しました：主担当：DX推進課 → 税務課",
        ),
        (
            AuditAction.QUESTIONNAIRE_RETURNED,
            {"comment": "根拠を"},
            "questionnaire 5",
            "questionnaire 5を差し戻しました。（コメント：根拠を）",
        ),
        (
            AuditAction.UPLOAD,
            {"questionnaire": 5, "indicator": "STD-01"},
            "根拠.pdf",
            "調査票のSTD-01に根拠資料「根拠.pdf」を添付しました。",
        ),
        (
            AuditAction.EVIDENCE_DELETED,
            {"department": "DX推進課", "indicator": "STD-01"},
            "規程.pdf",
            "DX推進課のSTD-01から根拠資料「規程.pdf」を削除しました。",
        ),
        (
            AuditAction.MEMBERSHIP_REMOVED,
            {"email": "a@example.jp", "role": "respondent", "department": "DX推進課"},
            "membership 3",
            "a@example.jpをDX推進課の回答者から外しました。",
        ),
        (
            AuditAction.CATALOGUE_RETIRED,
            {"title": "第3版"},
            "jichitai-dx 3.0",
            "評価枠組みの版「第3版」（jichitai-dx 3.0）を廃止しました。",
        ),
        (
            AuditAction.EXPORT,
            {},
            "round 1 answers.csv",
            "「round 1 answers.csv」を書き出しました。",
        ),
        (AuditAction.UPLOAD, {"rows": 2}, "questionnaire 5 workbook", None),
    ],
)
def test_events_recorded_before_today_s_shapes_still_read(action, recorded, target, words):
    text = describe(_event(action, recorded, target))
    if words is None:
        assert text == "調査票にExcelファイルから2件の回答を取り込みました。"
    else:
        assert text == words


def test_a_shape_no_sentence_expects_is_shown_as_recorded():
    event = _event(AuditAction.ROUND_OPENED, {"surprise": "値"}, target="横浜市 2026年度")
    assert describe(event) == "横浜市 2026年度／surprise：値"
