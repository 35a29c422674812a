from django.urls import reverse
from playwright.sync_api import expect

from frameworks.models import Edition, EditionStatus
from tests.browser.test_departments import _sign_in
from tests.frameworks.factories import make_edition


def test_editor_clones_edits_and_publishes_an_edition(page, personas, assert_accessible):
    published = make_edition(version="2.0", indicators=3)
    _sign_in(page, personas.catalogue_editor)

    page.goto(reverse("frameworks:index"))
    page.get_by_role("link", name="カタログを編集する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("カタログの編集")
    assert_accessible()

    page.get_by_role("row").filter(has_text="2.0").get_by_role("link", name="複製").click()
    page.get_by_label("新しい版").fill("2.1")
    page.get_by_label("表題").fill("自治体DX推進計画 第2.1版に基づく評価")
    assert_accessible()
    page.get_by_role("button", name="下書きを作成する").click()
    expect(page.get_by_role("status")).to_contain_text("下書き2.1を作成しました")
    expect(page.get_by_role("heading", level=1)).to_contain_text("（2.1）")
    assert_accessible()

    page.get_by_role("row").filter(has_text="STD-01").get_by_role("link", name="編集").click()
    question = page.locator("#id_question")
    expect(question).to_have_value("指標1の取組状況を選んでください。")
    # With JavaScript only the sections of the chosen answer type are shown.
    rubric = page.get_by_role("group", name="ルーブリック")
    choices = page.get_by_role("group", name="選択肢", exact=True)
    expect(rubric).to_be_visible()
    expect(choices).to_be_hidden()
    page.get_by_label("選択肢（選んだ選択肢に設定された得点（0〜100））").check()
    expect(rubric).to_be_hidden()
    expect(choices).to_be_visible()
    page.get_by_label("成熟度レベル（", exact=False).check()
    expect(rubric).to_be_visible()
    assert_accessible()

    question.fill("庁内の手続のうち、オンラインで完結するものはどれくらいありますか。")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_role("status")).to_contain_text("指標STD-01を保存しました。")

    # Publishing asks first and says what changes for whom; nothing changes until then.
    page.get_by_role("link", name="この下書きを公開する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("公開の確認")
    expect(page.locator("#publish-consequences")).to_contain_text(
        "この版は新しいラウンドで選べるようになります。既存のラウンドは変わりません。"
    )
    expect(page.locator("#publish-consequences")).to_contain_text("公開中の版（")
    assert_accessible()
    assert Edition.objects.get(version="2.1").status == EditionStatus.DRAFT
    page.get_by_role("button", name="公開する", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("版2.1を公開しました。")
    assert Edition.objects.get(version="2.1").status == EditionStatus.PUBLISHED

    page.goto(reverse("frameworks:index"))
    expect(page.locator("tr.table-primary")).to_contain_text("2.1")
    page.locator("tr.table-primary").get_by_role("link").click()
    expect(page.locator("#indicator-STD-01")).to_contain_text(
        "庁内の手続のうち、オンラインで完結するものはどれくらいありますか。"
    )
    assert_accessible()

    page.get_by_role("link", name="前の版との違い").click()
    changed = page.get_by_role("table", name="変更された指標")
    expect(changed).to_contain_text("STD-01")
    expect(changed).to_contain_text("オンラインで完結する")
    assert_accessible()
    assert published.status == EditionStatus.PUBLISHED


def test_public_edition_page_and_search_are_accessible(page, personas, assert_accessible):
    edition = make_edition(version="2.0", indicators=4)
    page.goto(
        reverse(
            "frameworks:edition",
            kwargs={"framework_code": edition.framework.code, "version": edition.version},
        )
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(edition.title)
    page.locator("#indicator-STD-01 summary").click()
    expect(page.locator("#indicator-STD-01")).to_contain_text("継続的に改善の状態（STD-01）")
    assert_accessible()

    page.get_by_label("指標を検索").fill("電子申請")
    page.get_by_role("button", name="検索").click()
    expect(page.get_by_role("status")).to_contain_text("「電子申請」に一致する指標は1件です。")
    expect(page.locator("article")).to_have_count(1)
    assert_accessible()

    page.get_by_label("指標を検索").fill("見つからない言葉")
    page.get_by_role("button", name="検索").click()
    expect(page.get_by_role("status")).to_contain_text("一致する指標はありません")
    assert_accessible()


def test_publishing_refusal_and_editor_forms_are_accessible(page, personas, assert_accessible):
    draft = make_edition(version="3.0", status=EditionStatus.DRAFT, indicators=2)
    draft.areas.create(code="empty", order=9, name="空の分野")
    _sign_in(page, personas.catalogue_editor)
    page.goto(reverse("frameworks:editor_edition", kwargs={"edition_id": draft.pk}))
    assert_accessible()
    page.get_by_role("link", name="この下書きを公開する").click()
    expect(page.get_by_role("alert")).to_contain_text("「空の分野」に指標がありません。")
    expect(page.get_by_role("button", name="公開する", exact=True)).to_have_count(0)
    assert_accessible()
    page.get_by_role("link", name="下書きの編集に戻る").click()

    page.get_by_role("link", name="取組分野を追加する").click()
    page.get_by_role("button", name="追加する").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert_accessible()


def test_retiring_asks_first_and_names_the_rounds_that_keep_working(
    page, personas, assert_accessible
):
    from tests.assessment_factories import open_round

    edition = make_edition(version="2.0", indicators=2)
    open_round(personas.municipality_a, personas.coordinator_a, edition=edition)
    _sign_in(page, personas.catalogue_editor)
    page.goto(reverse("frameworks:editor"))
    page.get_by_role("row").filter(has_text="2.0").get_by_role("link", name="廃止").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("廃止の確認")
    expect(page.locator("#retire-consequences")).to_contain_text(
        "新しいラウンドでは、この版を選べなくなります。"
    )
    expect(page.get_by_role("main")).to_contain_text("1件のラウンドがこの版で実施中です。")
    assert_accessible()
    page.get_by_role("link", name="キャンセル").click()
    edition.refresh_from_db()
    assert edition.status == EditionStatus.PUBLISHED

    page.get_by_role("row").filter(has_text="2.0").get_by_role("link", name="廃止").click()
    page.get_by_role("button", name="廃止する").click()
    expect(page.get_by_role("status")).to_contain_text("版2.0を廃止しました。")
    edition.refresh_from_db()
    assert edition.status == EditionStatus.RETIRED
