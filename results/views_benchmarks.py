"""Benchmark pages: a round against its peers, and a consultant's portfolio.

The benchmark is for the municipality's coordinators and consultants
(VIEW_RESULTS through round_for: 404 for anyone else). A round without results
yet (a new fiscal year's) is compared through the municipality's newest earlier
round that has them (results.latest), and the page says so. The portfolio is for
users who compare municipalities (consultants): 403 for anyone else signed in.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.access import Capability, access_for
from assessments.models import Round
from assessments.selectors import round_for
from municipalities.models import Municipality
from results.benchmarks import (
    K_ANONYMITY,
    PEER_GROUPS,
    benchmark_stamp,
    peer_benchmark,
    portfolio,
    portfolio_sorted,
    portfolio_stamp,
    portfolio_summary,
)
from results.figures import portfolio_svg
from results.latest import LatestResults, latest_round_with_results, latest_rounds_with_results
from results.page_cache import cached_html

SORTS = [
    ("score", _("総合得点の高い順")),
    ("completeness", _("回答率の高い順")),
    ("name", _("団体名順")),
]


class PeerGroupForm(forms.Form):
    """Which peer group the page shows; empty (or anything unknown) shows all four."""

    group = forms.ChoiceField(label=_("比べるグループ"), required=False)

    def __init__(self, data, groups):
        super().__init__(data)
        self.fields["group"].choices = [("", _("すべてのグループ"))] + [
            (group.code, group.label) for group in groups
        ]

    def chosen(self) -> str:
        return self.cleaned_data["group"] if self.is_valid() else ""


@login_required
@require_GET
def benchmark(request, code: str, round_id: int):
    round_ = round_for(request, code, round_id, Capability.VIEW_RESULTS)
    municipality = request.municipality  # with its prefecture, from the memberships
    latest = latest_round_with_results(municipality, up_to_year=round_.fiscal_year)
    compared = latest.round or round_
    compared.municipality = municipality  # the same body, already with its prefecture
    asked = request.GET.getlist("group")

    def comparison() -> str:
        return _comparison(compared, request.GET)

    return render(
        request,
        "results/benchmark.html",
        {
            "municipality": municipality,
            "round": round_,
            "latest": latest,
            # The same for everyone who may see the round (results.page_cache); a group
            # nobody offers is answered without the cache, so it cannot fill it.
            "comparison": cached_html("benchmark", (benchmark_stamp(compared), asked), comparison)
            if set(asked) <= {"", *PEER_GROUPS} and len(asked) <= 1
            else mark_safe(comparison()),  # noqa: S308 (a template's output)
        },
    )


def _comparison(compared: Round, query: QueryDict) -> str:
    result = peer_benchmark(compared)
    form = PeerGroupForm(query, result.groups)
    chosen = form.chosen()
    # Each group shown with its table's rows: (score row, the group's statistics of it).
    shown = [
        (group, [(row, row.groups[index]) for row in result.rows])
        for index, group in enumerate(result.groups)
        if not chosen or group.code == chosen
    ]
    return render_to_string(
        "results/includes/benchmark_comparison.html",
        {
            "benchmark": result,
            "form": form,
            "shown_groups": shown,
            "k_anonymity": K_ANONYMITY,
        },
    )


class PortfolioFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("区分"), required=False)
    prefecture = forms.ChoiceField(label=_("都道府県"), required=False)
    sort = forms.ChoiceField(label=_("並び順"), required=False, choices=SORTS)

    def __init__(self, data, municipalities: list[Municipality]):
        super().__init__(data)
        kinds = {m.kind: m.get_kind_display() for m in municipalities}
        prefectures = {
            str(prefecture.pk): prefecture.name
            for prefecture in (m.prefecture or m for m in municipalities)
        }
        everything = [("", _("すべて"))]
        self.fields["kind"].choices = everything + sorted(kinds.items())
        self.fields["prefecture"].choices = everything + sorted(prefectures.items())


def _filtered(form: PortfolioFilterForm, municipalities: list[Municipality]) -> list[Municipality]:
    if not form.is_valid():
        return municipalities
    kind = form.cleaned_data["kind"]
    prefecture = form.cleaned_data["prefecture"]
    return [
        m
        for m in municipalities
        if (not kind or m.kind == kind)
        and (not prefecture or str(m.prefecture_id or m.pk) == prefecture)
    ]


@login_required
@require_GET
def portfolio_view(request):
    access = access_for(request.user)
    if not access.municipality_ids(Capability.COMPARE_MUNICIPALITIES):
        raise PermissionDenied
    assigned = list(access.municipalities(Capability.COMPARE_MUNICIPALITIES))
    latest = latest_rounds_with_results(assigned)
    form = PortfolioFilterForm(request.GET, assigned)

    def comparison() -> str:
        return _portfolio_comparison(form, assigned, latest)

    return render(
        request,
        "results/portfolio.html",
        {
            # Read from the assigned municipalities and the filters only, so the same for
            # whoever is assigned them (results.page_cache); filters no form offers are
            # answered without the cache, so they cannot fill it.
            "comparison": cached_html(
                "portfolio",
                (portfolio_stamp(assigned, latest), sorted(form.cleaned_data.items())),
                comparison,
            )
            if form.is_valid()
            else mark_safe(comparison()),  # noqa: S308 (a template's output)
        },
    )


def _portfolio_comparison(
    form: PortfolioFilterForm, assigned: list[Municipality], latest: dict[int, LatestResults]
) -> str:
    sort = form.cleaned_data.get("sort") if form.is_valid() else ""
    sort = sort or "score"
    result = portfolio(_filtered(form, assigned), latest)
    rows = portfolio_sorted(result.rows, sort)
    sort_label = dict(SORTS)[sort]
    chart = portfolio_svg(rows, title_id="portfolio-chart-title", described_by="portfolio-summary")
    return render_to_string(
        "results/includes/portfolio_comparison.html",
        {
            "form": form,
            "sort": sort,
            "sort_label": sort_label,
            "areas": result.areas,
            "rows": rows,
            "assigned_count": len(assigned),
            "chart": chart,
            "summary": portfolio_summary(rows, sort_label) if chart else "",
        },
    )
