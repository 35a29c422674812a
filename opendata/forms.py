from django import forms
from django.utils.translation import gettext_lazy as _

from opendata.importing import SOURCE_MAX

DEFAULT_SOURCE = "デジタル庁「自治体DXダッシュボード」"


class OpenDataImportForm(forms.Form):
    file = forms.FileField(
        label=_("ファイル"),
        help_text=_(
            ".zip・.csv・.xlsx（20 MBまで）。項目が行で団体が列（都道府県と団体名）の表か、"
            "「団体コード」の列がある表。CSVの文字コードは UTF-8 または Shift_JIS。"
        ),
    )
    source = forms.CharField(
        label=_("出典"),
        max_length=SOURCE_MAX,
        initial=DEFAULT_SOURCE,
        help_text=_("発行者「表題」。回答の候補の横に表示します。"),
    )
    as_of = forms.DateField(
        label=_("時点"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("データが何日時点のものか（公表されている基準日）。"),
    )
