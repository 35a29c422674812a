"""Rendering a round's reports to PDF bytes: the download views, render_report and the bulk export.

The report is Japanese whatever the reader's language (translation.override),
gathered by reports.content, written by the templates in templates/reports/
and rendered by WeasyPrint with:

- the stylesheet templates/reports/report.css, parsed once per thread
  together with its fonts (_report_style), whose @font-face fonts come from
  static/fonts through the URL fetcher of reports.fetcher: rendering reads
  the project's static files and nothing else — no network, no other file;
- pdf_variant "pdf/ua-1": a tagged PDF, with the language (<html lang="ja">)
  and title (<title>) in its metadata;
- fonts embedded as subsets (WeasyPrint's default), and a character none of
  them has printed as 〓 (reports.glyphs), never as a box or in a font of the host;
- what WeasyPrint's tagging leaves out added by reports.pdf_ua (header
  scopes, running headers and page numbers as artifacts, link names).

Both functions take any Round (the caller checks permissions) and load what
they show themselves, in a fixed number of queries.
"""

import gc
import threading
from contextlib import contextmanager
from functools import cache

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from assessments.models import Round
from municipalities.models import Department
from reports.content import department_report, municipality_report
from reports.fetcher import StaticFilesFetcher
from reports.glyphs import printable
from reports.pdf_ua import finish
from reports.svg_text import install as install_svg_text

install_svg_text()  # the charts' labels laid out once per run (reports.svg_text)

PDF_VARIANT = "pdf/ua-1"
REPORT_LANGUAGE = "ja"


@cache
def _fetcher() -> StaticFilesFetcher:
    # One per process: building a URLFetcher loads the system's TLS certificates (~80 ms),
    # although this one never opens a connection.
    return StaticFilesFetcher()


_per_thread = threading.local()


def _report_style() -> tuple[CSS, FontConfiguration]:
    """report.css parsed, with the fonts of its @font-face rules loaded: once per thread.

    Parsing the stylesheet and loading its three fonts into a new Pango font
    map on every render took 4–8 % of the render (0.08–0.15 s of CPU on the demo
    report, reports/README.md "Where the time goes"), and a font map that lives
    on keeps Pango's shaping caches warm. Per thread, not per process: a
    FontConfiguration (its Pango font map) must not be used by two threads at once.
    An edit of report.css therefore shows after a restart, as a code change does.
    """
    style = getattr(_per_thread, "style", None)
    if style is None:
        font_config = FontConfiguration()
        stylesheet = CSS(
            string=render_to_string("reports/report.css"),
            font_config=font_config,
            url_fetcher=_fetcher(),
        )
        style = _per_thread.style = (stylesheet, font_config)
    return style


@contextmanager
def _no_gc_pauses():
    """Hold the cyclic garbage collector while WeasyPrint renders.

    A report makes hundreds of thousands of short-lived objects (the box
    tree), and the collector's repeated passes over them took about a third
    of the render time (measured on the demo report: 2.7 s → 1.9 s of CPU). They
    are freed by reference counting anyway; the collector runs again afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def html_to_pdf(html: str) -> bytes:
    """A report's HTML, styled by report.css, as a tagged PDF, with only project static files reachable."""
    stylesheet, font_config = _report_style()
    with _no_gc_pauses():
        return HTML(string=printable(html), url_fetcher=_fetcher()).write_pdf(
            stylesheets=[stylesheet],
            font_config=font_config,
            pdf_variant=PDF_VARIANT,
            finisher=finish,
        )


def _loaded(round_: Round) -> Round:
    """The round with what the cover and headers show (one query)."""
    return Round.objects.select_related("municipality__prefecture", "edition__framework").get(
        pk=round_.pk
    )


def municipality_report_html(round_: Round) -> str:
    """The municipality report's HTML, in Japanese (what render_municipality_report renders)."""
    with translation.override(REPORT_LANGUAGE):
        report = municipality_report(_loaded(round_))
        return render_to_string("reports/municipality.html", {"report": report})


def department_report_html(round_: Round, department: Department) -> str:
    """One department's report HTML, in Japanese (the department must be the round's)."""
    if department.municipality_id != round_.municipality_id:
        raise ValueError("the department does not belong to the round's municipality")
    with translation.override(REPORT_LANGUAGE):
        report = department_report(_loaded(round_), department)
        return render_to_string("reports/department.html", {"report": report})


def render_municipality_report(round_: Round) -> bytes:
    """The municipality report of the round as PDF bytes."""
    return html_to_pdf(municipality_report_html(round_))


def render_department_report(round_: Round, department: Department) -> bytes:
    """One department's report of the round as PDF bytes."""
    return html_to_pdf(department_report_html(round_, department))


def report_filenames(round_: Round, department: Department | None = None) -> tuple[str, str]:
    """(Japanese name, ASCII fallback) of a report's PDF: municipality code and fiscal year in both.

    e.g. ("141003_横浜市_2026年度_評価報告書.pdf", "dx-report-141003-2026.pdf").
    """
    municipality = round_.municipality
    year = round_.fiscal_year
    if department is None:
        return (
            f"{municipality.code}_{municipality.name}_{year}年度_評価報告書.pdf",
            f"dx-report-{municipality.code}-{year}.pdf",
        )
    return (
        f"{municipality.code}_{municipality.name}_{department.name}_{year}年度_評価報告書.pdf",
        f"dx-report-{municipality.code}-{year}-department-{department.pk}.pdf",
    )
