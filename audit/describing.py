"""Every audit event in words: the one place that turns an event into a sentence.

The log pages and their CSV files call `describe(event)`. It reads the event
only (its action, target and detail: the names and labels kept at the time,
see audit.detail), so a page of events costs no query more, and an event
still reads well after what it names was renamed or deleted. The portal's
own words in the detail are translated into the reader's language here;
names people gave (departments, files, comments) are shown as they were.

Events recorded before their detail had today's shape (an id or a code in
`target`, field names in `changes`) are described from what they have.
"""

import datetime

from django.utils.formats import date_format
from django.utils.translation import get_language, gettext, gettext_lazy
from django.utils.translation import gettext as _

from audit.models import AuditAction
from dxportal.japanese_calendar import fiscal_year_text

SEPARATOR = "／"  # between changed fields; "、" already joins names within one value

# Field names that older events used in `changes`, with the labels their forms gave them.
_LEGACY_FIELD_LABELS = {
    "level": gettext_lazy("現在値"),
    "target_level": gettext_lazy("目標値"),
    "yes": gettext_lazy("はい／いいえ"),
    "number": gettext_lazy("数値"),
    "choice_code": gettext_lazy("選択肢"),
    "text": gettext_lazy("記述"),
    "not_applicable": gettext_lazy("該当しない"),
    "not_applicable_reason": gettext_lazy("該当しない理由"),
    "comment": gettext_lazy("コメント"),
    "evidence_url": gettext_lazy("根拠資料のURL"),
    "departments": gettext_lazy("回答する部署"),
    "owner": gettext_lazy("主担当"),
}
# Older removal events kept the role's value: respondents were the only ones removed.
_LEGACY_ROLES = {"respondent": gettext_lazy("回答者")}


# --- stored values in words ---------------------------------------------------------------


def shown(value) -> str:
    """A stored value (see audit.detail) as the reader should see it."""
    if value is None or value == "" or value == []:
        return _("（なし）")
    if isinstance(value, bool):  # older events kept booleans as they were
        return _("はい") if value else _("いいえ")
    if isinstance(value, list):
        return "、".join(shown(item) for item in value)
    if isinstance(value, dict):
        if "msgid" in value:
            return gettext(value["msgid"])
        if "ja" in value:
            english = value.get("en") if (get_language() or "").startswith("en") else None
            return english or value["ja"]
        if "date" in value:
            return date_format(datetime.date.fromisoformat(value["date"]), "DATE_FORMAT")
    return str(value)


def _changes(changes) -> str:
    """Each changed field as 「label：old → new」 (or 「label：value」 for what was set)."""
    if isinstance(changes, dict):  # older events: {field name: [old, new]}
        return SEPARATOR.join(
            f"{_LEGACY_FIELD_LABELS.get(name, name)}：{shown(old)} → {shown(new)}"
            for name, (old, new) in changes.items()
        )
    return SEPARATOR.join(
        f"{shown(entry['label'])}：{shown(entry['value'])}"
        if "value" in entry
        else f"{shown(entry['label'])}：{shown(entry['old'])} → {shown(entry['new'])}"
        for entry in changes or []
    )


def _fiscal_year(value) -> str:
    return fiscal_year_text(value["fiscal_year"])


def _round(value) -> str:
    return _("%(year)sの評価ラウンド") % {"year": _fiscal_year(value)}


def _questionnaire(value, fallback: str = "") -> str:
    """「DX推進課の2026年度（令和8年度）の調査票」; older events named only its id."""
    if isinstance(value, dict):
        return _("%(department)sの%(year)sの調査票") % {
            "department": value["department"],
            "year": _fiscal_year(value),
        }
    return fallback or _("調査票")


def _indicator(value) -> str:
    """「MNC-01 マイナンバーカードの…」; older events kept the code only."""
    if isinstance(value, dict):
        return f"{value['code']} {shown(value['question'])}"
    return str(value or "")


def _edition(detail: dict, target: str) -> str:
    """「自治体DX推進計画 第2.3版」（2.3）; older events kept "framework version" and the title."""
    edition = detail.get("edition")
    if isinstance(edition, dict):
        return f"「{shown(edition['title'])}」（{edition['version']}）"
    if detail.get("title"):
        return f"「{detail['title']}」（{target}）"
    return f"（{target}）"


def _area(value) -> str:
    return f"「{shown(value['name'])}」"


def _person(value) -> str:
    """「山田 太郎（yamada@example.jp）」; older events kept the address only."""
    if isinstance(value, dict):
        return f"{value['name']}（{value['email']}）" if value.get("name") else value["email"]
    return str(value or "")


def _role(value) -> str:
    return shown(_LEGACY_ROLES.get(value, value) if isinstance(value, str) else value)


def _with(sentence: str, detail: dict, key: str, words) -> str:
    """The sentence, followed by 「（words：the detail's text）」 when there is one."""
    if detail.get(key):
        return sentence + _("（%(label)s：%(text)s）") % {"label": words, "text": detail[key]}
    return sentence


# --- one sentence per action ----------------------------------------------------------------


def _membership_added(event, detail):
    values = {"person": _person(detail["person"]), "role": _role(detail["role"])}
    if detail.get("department"):
        return _("%(person)sを%(department)sの%(role)sにしました。") % {
            **values,
            "department": detail["department"],
        }
    return _("%(person)sに%(role)sの役割を付与しました。") % values


def _membership_removed(event, detail):
    values = {
        "person": _person(detail.get("person") or detail.get("email")),
        "role": _role(detail["role"]),
    }
    if detail.get("department"):
        return _("%(person)sを%(department)sの%(role)sから外しました。") % {
            **values,
            "department": detail["department"],
        }
    return _("%(person)sの%(role)sの役割を解除しました。") % values


def _answer_changed(event, detail):
    if "indicator" in detail:
        where = _("%(questionnaire)sの%(indicator)s") % {
            "questionnaire": _questionnaire(detail.get("questionnaire")),
            "indicator": _indicator(detail["indicator"]),
        }
    else:
        where = event.target
    sentence = _("%(where)sの回答を変更しました：%(changes)s") % {
        "where": where,
        "changes": _changes(detail.get("changes")),
    }
    if detail.get("via") == "excel":
        sentence += _("（Excelから取り込み）")
    elif detail.get("via") == "open_data":
        sentence += _("（オープンデータの値を使用）")
    return sentence


def _assignment_changed(event, detail):
    if "round" in detail:
        where = _("%(round)sの%(indicator)s") % {
            "round": _round(detail["round"]),
            "indicator": _indicator(detail["indicator"]),
        }
    else:  # older events: the round and the code in the target
        where = event.target
    return _("%(where)sの担当を変更しました：%(changes)s") % {
        "where": where,
        "changes": _changes(detail.get("changes")),
    }


def _upload(event, detail):
    if "rows" in detail:
        return _("%(questionnaire)sにExcelファイルから%(rows)d件の回答を取り込みました。") % {
            "questionnaire": _questionnaire(detail.get("questionnaire")),
            "rows": detail["rows"],
        }
    return _("%(questionnaire)sの%(indicator)sに根拠資料「%(file)s」を添付しました。") % {
        "questionnaire": _questionnaire(detail.get("questionnaire")),
        "indicator": _indicator(detail.get("indicator")),
        "file": detail.get("file") or event.target,
    }


def _open_data_imported(event, detail):
    return _(
        "%(source)s（%(as_of)s時点）を「%(file)s」から取り込みました：%(municipalities)d団体・%(values)d件の値"
    ) % {
        "source": detail["source"],
        "as_of": date_format(datetime.date.fromisoformat(detail["as_of"])),
        "file": detail["file"],
        "municipalities": detail["municipalities"],
        "values": detail["values"],
    }


def _evidence_deleted(event, detail):
    return _("%(questionnaire)sの%(indicator)sから根拠資料「%(file)s」を削除しました。") % {
        "questionnaire": _questionnaire(detail.get("questionnaire"), detail.get("department")),
        "indicator": _indicator(detail.get("indicator")),
        "file": detail.get("file") or event.target,
    }


def _review(words):
    def sentence(event, detail):
        text = words % {"questionnaire": _questionnaire(detail.get("questionnaire"), event.target)}
        text = _with(text, detail, "comment", _("コメント"))
        if detail.get("indicator_comments"):  # a return that commented on indicators
            text = _with(
                text,
                {"codes": "、".join(detail["indicator_comments"])},
                "codes",
                _("コメントした指標"),
            )
        return text

    return sentence


def _export(event, detail):
    file = detail.get("file") or event.target
    if not file:
        return _("データを書き出しました。")
    if "round" in detail:
        return _("%(round)sの「%(file)s」を書き出しました。") % {
            "round": _round(detail["round"]),
            "file": file,
        }
    return _("「%(file)s」を書き出しました。") % {"file": file}


def _bulk_export(event, detail):
    year = detail.get("fiscal_year")
    return _("%(count)d団体の報告書の一括書き出しを始めました（%(year)s）。") % {
        "count": detail.get("municipalities", 0),
        "year": fiscal_year_text(year) if year else _("最新の評価ラウンド"),
    }


def _edition_event(words):
    def sentence(event, detail):
        return words % {"edition": _edition(detail, event.target)}

    return sentence


def _edition_created(event, detail):
    return _(
        "評価枠組みの版%(edition)sをファイルから取り込みました"
        "（段階%(stages)d、取組分野%(areas)d、指標%(indicators)d）。"
    ) % {
        "edition": _edition(detail, event.target),
        "stages": detail["stages"],
        "areas": detail["areas"],
        "indicators": detail["indicators"],
    }


def _edition_cloned(event, detail):
    return _("版%(source)sを複製して、下書き%(edition)sを作りました。") % {
        "source": _edition({"edition": detail["source"]}, ""),
        "edition": _edition(detail, event.target),
    }


def _edition_changed(event, detail):
    return _("版%(edition)sを変更しました：%(changes)s") % {
        "edition": _edition(detail, event.target),
        "changes": _changes(detail["changes"]),
    }


def _area_event(event, detail):
    values = {
        "edition": _edition(detail, event.target),
        "area": _area(detail["area"]),
        "changes": _changes(detail.get("changes")),
        "old": detail.get("old_position"),
        "new": detail.get("new_position"),
        "indicators": detail.get("indicators", 0),
    }
    words = {
        AuditAction.CATALOGUE_AREA_CREATED: _("版%(edition)sに取組分野%(area)sを追加しました。"),
        AuditAction.CATALOGUE_AREA_CHANGED: _(
            "版%(edition)sの取組分野%(area)sを変更しました：%(changes)s"
        ),
        AuditAction.CATALOGUE_AREA_DELETED: _(
            "版%(edition)sから取組分野%(area)sを削除しました（指標%(indicators)d件とともに）。"
        ),
        AuditAction.CATALOGUE_AREA_MOVED: _(
            "版%(edition)sの取組分野%(area)sを%(old)d番目から%(new)d番目に移しました。"
        ),
    }[event.action]
    return words % values


def _indicator_event(event, detail):
    values = {
        "edition": _edition(detail, event.target),
        "area": _area(detail["area"]) if "area" in detail else "",
        "indicator": _indicator(detail["indicator"]),
        "changes": _changes(detail.get("changes")),
        "old": detail.get("old_position"),
        "new": detail.get("new_position"),
    }
    words = {
        AuditAction.CATALOGUE_INDICATOR_CREATED: _(
            "版%(edition)sの取組分野%(area)sに指標%(indicator)sを追加しました。"
        ),
        AuditAction.CATALOGUE_INDICATOR_CHANGED: _(
            "版%(edition)sの指標%(indicator)sを変更しました：%(changes)s"
        ),
        AuditAction.CATALOGUE_INDICATOR_DELETED: _(
            "版%(edition)sから指標%(indicator)sを削除しました。"
        ),
        AuditAction.CATALOGUE_INDICATOR_MOVED: _(
            "版%(edition)sの取組分野%(area)sで、指標%(indicator)sを%(old)d番目から"
            "%(new)d番目に移しました。"
        ),
    }[event.action]
    return words % values


def _departments_created(event, detail):
    names = "、".join(
        f"{department['name']}（{shown(department['kind'])}）"
        for department in detail["departments"]
    )
    if detail.get("defaults"):
        return _("標準の部署を%(count)d件追加しました：%(departments)s") % {
            "count": len(detail["departments"]),
            "departments": names,
        }
    return _("部署を追加しました：%(departments)s") % {"departments": names}


def _department_changed(event, detail):
    return _("部署「%(department)s」を変更しました：%(changes)s") % {
        "department": detail["department"],
        "changes": _changes(detail["changes"]),
    }


def _round_opened(event, detail):
    sentence = _(
        "%(round)sを始めました（版：%(edition)s、回答期間：%(opens)s〜%(closes)s、"
        "部署%(departments)d、指標%(indicators)d）。"
    ) % {
        "round": _round(detail["round"]),
        "edition": _edition(detail, ""),
        "opens": shown(detail["opens_on"]),
        "closes": shown(detail["closes_on"]),
        "departments": detail["departments"],
        "indicators": detail["indicators"],
    }
    return _with(sentence, detail, "survey", _("一括調査"))


def _round_closed(event, detail):
    return _("%(round)sを締め切りました。") % {"round": _round(detail["round"])}


def _reminders_sent(event, detail):
    by_department: dict[str, list[str]] = {}
    for recipient in detail["recipients"]:
        by_department.setdefault(recipient["department"], []).append(_person(recipient))
    return _("%(round)sの督促メールを%(count)d通送りました：%(recipients)s") % {
        "round": _round(detail["round"]),
        "count": detail["sent"],
        "recipients": SEPARATOR.join(
            f"{department}：{'、'.join(people)}" for department, people in by_department.items()
        ),
    }


def _consolidation_set(event, detail):
    sentence = _(
        "%(round)sの%(indicator)sについて、団体の回答を%(department)sの回答（%(answer)s）にしました。"
    ) % {
        "round": _round(detail["round"]),
        "indicator": _indicator(detail["indicator"]),
        "department": detail["department"],
        "answer": shown(detail["answer"]),
    }
    return _with(sentence, detail, "note", _("理由"))


def _action_item(event, detail):
    values = {"title": detail["title"], "indicator": _indicator(detail["indicator"])}
    if event.action == AuditAction.ACTION_ITEM_CREATED:
        return _("アクション「%(title)s」（%(indicator)s）を追加しました：%(fields)s") % {
            **values,
            "fields": _changes(detail["fields"]),
        }
    if event.action == AuditAction.ACTION_ITEM_STATUS_CHANGED:
        (status,) = detail["changes"]
        return _(
            "アクション「%(title)s」（%(indicator)s）の状態を%(old)sから%(new)sにしました。"
        ) % {
            **values,
            "old": shown(status["old"]),
            "new": shown(status["new"]),
        }
    return _("アクション「%(title)s」（%(indicator)s）を変更しました：%(changes)s") % {
        **values,
        "changes": _changes(detail["changes"]),
    }


def _fixed(words):
    return lambda event, detail: str(words)


_SENTENCES = {
    AuditAction.LOGIN: _fixed(gettext_lazy("サインインしました。")),
    AuditAction.LOGIN_FAILED: lambda event, detail: (
        _("%(email)s としてのサインインに失敗しました。") % {"email": event.actor_email}
    ),
    AuditAction.LOCKOUT: lambda event, detail: (
        _("%(email)s のサインインを、失敗が続いたため一時的に止めました。")
        % {"email": event.actor_email}
    ),
    AuditAction.TWO_FACTOR_VERIFIED: _fixed(
        gettext_lazy("認証アプリのコードで本人を確認しました。")
    ),
    AuditAction.TWO_FACTOR_FAILED: _fixed(gettext_lazy("認証アプリのコードが違っていました。")),
    AuditAction.TWO_FACTOR_ENROLLED: _fixed(gettext_lazy("認証アプリを登録しました。")),
    AuditAction.TWO_FACTOR_REMOVED: lambda event, detail: (
        _("%(email)s の認証アプリを削除しました。") % {"email": detail.get("owner", "")}
    ),
    AuditAction.LOGOUT: _fixed(gettext_lazy("サインアウトしました。")),
    AuditAction.SESSION_EXPIRED: _fixed(
        gettext_lazy("サインインから時間がたったため、セッションを終えました。")
    ),
    AuditAction.PASSWORD_RESET_REQUESTED: lambda event, detail: (
        _("%(email)s へのパスワード再設定メールを申請しました。") % {"email": event.target}
    ),
    AuditAction.PASSWORD_RESET_THROTTLED: lambda event, detail: (
        _("%(email)s へのパスワード再設定の申請は、回数の上限を超えたため送りませんでした。")
        % {"email": event.target}
    ),
    AuditAction.PASSWORD_SET: _fixed(gettext_lazy("パスワードを設定しました。")),
    AuditAction.ACCESS_DENIED: lambda event, detail: (
        _("権限のないページ（%(path)s）を開こうとしたため、断りました。") % {"path": event.target}
    ),
    AuditAction.MEMBERSHIP_INVITED: lambda event, detail: (
        _("%(email)s を%(department)sの回答者として招待しました。")
        % {"email": detail["email"], "department": detail["department"]}
    ),
    AuditAction.MEMBERSHIP_ACCEPTED: lambda event, detail: (
        _("%(department)sの回答者への招待を承諾しました。") % {"department": detail["department"]}
    ),
    AuditAction.MEMBERSHIP_ADDED: _membership_added,
    AuditAction.MEMBERSHIP_CHANGED: lambda event, detail: (
        _("%(person)sの役割を変更しました：%(changes)s")
        % {"person": _person(detail["person"]), "changes": _changes(detail["changes"])}
    ),
    AuditAction.MEMBERSHIP_REMOVED: _membership_removed,
    AuditAction.ANSWER_CHANGED: _answer_changed,
    AuditAction.ASSIGNMENT_CHANGED: _assignment_changed,
    AuditAction.EVIDENCE_DELETED: _evidence_deleted,
    AuditAction.QUESTIONNAIRE_SUBMITTED: _review(gettext_lazy("%(questionnaire)sを提出しました。")),
    AuditAction.QUESTIONNAIRE_APPROVED: _review(gettext_lazy("%(questionnaire)sを承認しました。")),
    AuditAction.QUESTIONNAIRE_RETURNED: _review(
        gettext_lazy("%(questionnaire)sを差し戻しました。")
    ),
    AuditAction.QUESTIONNAIRE_REOPENED: _review(gettext_lazy("%(questionnaire)sを再開しました。")),
    AuditAction.EXPORT: _export,
    AuditAction.REPORT_DOWNLOADED: lambda event, detail: (
        _("報告書「%(file)s」をダウンロードしました。") % {"file": event.target}
    ),
    AuditAction.BULK_EXPORT_STARTED: _bulk_export,
    AuditAction.UPLOAD: _upload,
    AuditAction.OPEN_DATA_IMPORTED: _open_data_imported,
    AuditAction.CATALOGUE_PUBLISHED: _edition_event(
        gettext_lazy("評価枠組みの版%(edition)sを公開しました。")
    ),
    AuditAction.CATALOGUE_RETIRED: _edition_event(
        gettext_lazy("評価枠組みの版%(edition)sを廃止しました。")
    ),
    AuditAction.CATALOGUE_DRAFT_DELETED: _edition_event(
        gettext_lazy("評価枠組みの下書き%(edition)sを削除しました。")
    ),
    AuditAction.CATALOGUE_EDITION_CREATED: _edition_created,
    AuditAction.CATALOGUE_EDITION_CLONED: _edition_cloned,
    AuditAction.CATALOGUE_EDITION_CHANGED: _edition_changed,
    AuditAction.CATALOGUE_AREA_CREATED: _area_event,
    AuditAction.CATALOGUE_AREA_CHANGED: _area_event,
    AuditAction.CATALOGUE_AREA_DELETED: _area_event,
    AuditAction.CATALOGUE_AREA_MOVED: _area_event,
    AuditAction.CATALOGUE_INDICATOR_CREATED: _indicator_event,
    AuditAction.CATALOGUE_INDICATOR_CHANGED: _indicator_event,
    AuditAction.CATALOGUE_INDICATOR_DELETED: _indicator_event,
    AuditAction.CATALOGUE_INDICATOR_MOVED: _indicator_event,
    AuditAction.DEPARTMENT_CREATED: _departments_created,
    AuditAction.DEPARTMENT_CHANGED: _department_changed,
    AuditAction.ROUND_OPENED: _round_opened,
    AuditAction.ROUND_CLOSED: _round_closed,
    AuditAction.REMINDERS_SENT: _reminders_sent,
    AuditAction.CONSOLIDATION_SET: _consolidation_set,
    AuditAction.ACTION_ITEM_CREATED: _action_item,
    AuditAction.ACTION_ITEM_CHANGED: _action_item,
    AuditAction.ACTION_ITEM_STATUS_CHANGED: _action_item,
}


def _as_recorded(event) -> str:
    """An event whose detail has a shape no sentence expects: its target and detail as kept."""
    parts = [event.target] if event.target else []
    for key, value in (event.detail or {}).items():
        parts.append(f"{key}：{_changes(value) if key == 'changes' else shown(value)}")
    return SEPARATOR.join(parts)


def describe(event) -> str:
    """The event as one sentence in the reader's language (the actor is shown beside it)."""
    sentence = _SENTENCES.get(event.action)
    if sentence is None:
        return _as_recorded(event)
    try:
        return sentence(event, event.detail or {})
    except (KeyError, TypeError, ValueError, AttributeError):
        # An append-only log keeps every shape its detail ever had; the page must still
        # show an event recorded before its sentence expected what it does today.
        return _as_recorded(event)
