"""dxportal.phrases: where a Japanese label or table header may break."""

import pytest

from dxportal.phrases import phrases


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("公金収納におけるeLTAXの活用", ["公金収納における", "eLTAXの", "活用"]),
        ("自治体フロントヤード改革の推進", ["自治体", "フロントヤード", "改革の", "推進"]),
        ("この団体", ["この", "団体"]),
        ("目標レベル", ["目標", "レベル"]),
        ("デジタルトランスフォーメーション（60）", ["デジタルトランスフォーメーション", "（60）"]),
        (
            "マイナンバーカードの普及促進・利用の推進",
            ["マイナンバーカードの", "普及促進・", "利用の", "推進"],
        ),
        ("同じ区分（政令指定都市）", ["同じ区分", "（政令指定都市）"]),
        ("取り組む", ["取り組む"]),  # a lone okurigana stays in its word
        ("2025年度 60点", ["2025年度 ", "60点"]),  # a number keeps its unit
        ("", []),
    ],
)
def test_phrases(text, expected):
    assert phrases(text) == expected
    assert "".join(phrases(text)) == text
