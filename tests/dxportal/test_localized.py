"""Catalogue text in the page's language, marked when an English page has only the Japanese."""

from types import SimpleNamespace

from django.utils import translation

from dxportal.localized import localized, localized_html, localized_text

ITEM = SimpleNamespace(
    question="庁内の手続のオンライン化は進んでいますか。",
    question_en="How far are the municipality's procedures online?",
    help_text="<b>太字</b>にならない解説",
    help_text_en="",
    name="",
    name_en="",
)


def test_japanese_pages_show_the_source_unmarked():
    with translation.override("ja"):
        assert localized(ITEM, "question").text == ITEM.question
        assert not localized(ITEM, "help_text").japanese_only
        assert "ja-only-note" not in localized_html(ITEM, "help_text")


def test_english_pages_show_the_english_text_where_there_is_one():
    with translation.override("en"):
        assert localized_text(ITEM, "question") == ITEM.question_en
        assert localized_html(ITEM, "question") == ITEM.question_en.replace("'", "&#x27;")


def test_english_pages_mark_japanese_only_text_lang_ja_with_a_note():
    with translation.override("en"):
        value = localized(ITEM, "help_text")
        assert value.japanese_only and value.text == ITEM.help_text
        html = localized_html(ITEM, "help_text")
        note = translation.gettext("（日本語のみ）")
    assert html == (
        '<span lang="ja">&lt;b&gt;太字&lt;/b&gt;にならない解説</span>'
        f' <span class="ja-only-note">{note}</span>'
    )


def test_an_empty_text_is_not_marked():
    with translation.override("en"):
        assert localized_html(ITEM, "name") == ""
        assert not localized(ITEM, "name").japanese_only
