"""The catalogue editor, for catalogue editors and system administrators.

Every view: editor_required (anonymous → sign-in, anyone else → 403), a
scoping helper that loads the object (404 if missing), then form → service →
redirect or render. A published or retired edition is frozen: the services
refuse every change, and the views refuse before showing an editing form.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import Capability, access_for
from dxportal.form_data import posted_or_none
from frameworks.forms import (
    AreaForm,
    CloneForm,
    ConfirmForm,
    EditionForm,
    IndicatorEditor,
    MoveForm,
)
from frameworks.models import Edition, EditionStatus, Indicator, PolicyArea
from frameworks.selectors import edition_with_content, indicators_with_scale, open_rounds_using
from frameworks.services import (
    CatalogueError,
    area_create,
    area_delete,
    area_move,
    area_update,
    edition_clone,
    edition_delete_draft,
    edition_problems,
    edition_publish,
    edition_retire,
    edition_update,
    indicator_create,
    indicator_delete,
    indicator_move,
    indicator_update,
    lineage_set,
    retire_refusal,
)
from frameworks.views.presenting import editions_by_framework
from frameworks.views.public import render_diff


def editor_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not access_for(request.user).has_global(Capability.EDIT_CATALOGUE):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


# --- scoping helpers: the object or 404, with what its page needs -------------------


def _all_editions():
    return Edition.objects.select_related("framework").order_by("framework__code", "pk")


def _get_edition(edition_id: int) -> Edition:
    return get_object_or_404(Edition.objects.select_related("framework"), pk=edition_id)


def _get_edition_with_content(edition_id: int) -> Edition:
    try:
        # The selector only needs the primary key: no separate look-up query.
        return edition_with_content(Edition(pk=edition_id))
    except Edition.DoesNotExist as error:
        raise Http404 from error


def _get_area(area_id: int) -> PolicyArea:
    return get_object_or_404(PolicyArea.objects.select_related("edition__framework"), pk=area_id)


def _get_indicator(indicator_id: int) -> Indicator:
    return get_object_or_404(
        indicators_with_scale().select_related("area", "edition__framework"), pk=indicator_id
    )


# --- small shared steps ------------------------------------------------------------


def _edition_url(edition: Edition, anchor: str = "") -> str:
    url = reverse("frameworks:editor_edition", kwargs={"edition_id": edition.pk})
    return f"{url}#{anchor}" if anchor else url


def _refuse_frozen(request, edition: Edition):
    """The answer to any attempt to change a published or retired edition."""
    messages.error(
        request, _("公開済みの版は変更できません。複製して新しい下書きを作成してください。")
    )
    return redirect(_edition_url(edition))


def _refuse(request, error: Exception, to: str):
    for message in error.messages:
        messages.error(request, message)
    return redirect(to)


# --- editions ----------------------------------------------------------------------


@editor_required
@require_GET
def editor_index(request):
    return render(
        request,
        "frameworks/editor/index.html",
        {"groups": editions_by_framework(_all_editions())},
    )


def _render_edition(request, edition: Edition, form: EditionForm, *, problems=(), status=200):
    return render(
        request,
        "frameworks/editor/edition.html",
        {"edition": edition, "form": form, "publish_problems": problems},
        status=status,
    )


@editor_required
@require_http_methods(["GET", "POST"])
def editor_edition(request, edition_id: int):
    edition = _get_edition_with_content(edition_id)
    if request.method == "POST" and not edition.is_draft:
        return _refuse_frozen(request, edition)
    form = EditionForm(posted_or_none(request), initial=EditionForm.initial_for(edition))
    if request.method == "POST" and form.is_valid():
        try:
            edition_update(edition=edition, **form.cleaned_data)
        except (CatalogueError, ValidationError) as error:
            edition = _get_edition_with_content(edition_id)  # as it still is in the database
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("版の情報を保存しました。"))
            return redirect(_edition_url(edition))
    return _render_edition(request, edition, form, status=400 if form.is_bound else 200)


@editor_required
@require_http_methods(["GET", "POST"])
def editor_clone(request, edition_id: int):
    edition = _get_edition(edition_id)
    form = CloneForm(posted_or_none(request), edition=edition)
    if request.method == "POST" and form.is_valid():
        try:
            clone = edition_clone(edition=edition, **form.cleaned_data)
        except CatalogueError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("版%(version)sを複製して、下書き%(new)sを作成しました。")
                % {"version": edition.version, "new": clone.version},
            )
            return redirect(_edition_url(clone))
    return render(
        request,
        "frameworks/editor/clone.html",
        {"edition": edition, "form": form},
        status=400 if form.is_bound else 200,
    )


def _confirmed(request, edition: Edition, name: str):
    """None when the post came from the confirmation page's button; else the refusal, back
    to that page (a bare POST, say from an old bookmark or another site's form, changes nothing)."""
    if ConfirmForm(request.POST).is_valid():
        return None
    messages.error(
        request, _("まだ変更していません。内容を確かめてから、この画面のボタンを押してください。")
    )
    return redirect(reverse(f"frameworks:{name}", kwargs={"edition_id": edition.pk}))


@editor_required
@require_http_methods(["GET", "POST"])
def editor_publish(request, edition_id: int):
    """GET: what publishing changes, and what still keeps the draft from it; POST: publish."""
    edition = _get_edition(edition_id)
    if not edition.is_draft:
        return _refuse_frozen(request, edition)
    if request.method == "GET":
        return render(
            request,
            "frameworks/editor/confirm_publish.html",
            {
                "edition": edition,
                "problems": edition_problems(edition),
                "published": Edition.objects.filter(
                    framework_id=edition.framework_id, status=EditionStatus.PUBLISHED
                ).order_by("version"),
                "form": ConfirmForm(initial={"confirm": True}),
            },
        )
    refused = _confirmed(request, edition, "editor_publish")
    if refused:
        return refused
    try:
        edition_publish(edition=edition)
    except CatalogueError as error:
        # Nothing changed: show the draft with everything that keeps it from being published.
        edition = _get_edition_with_content(edition_id)
        form = EditionForm(initial=EditionForm.initial_for(edition))
        return _render_edition(request, edition, form, problems=error.messages, status=400)
    messages.success(request, _("版%(version)sを公開しました。") % {"version": edition.version})
    return redirect("frameworks:editor")


@editor_required
@require_http_methods(["GET", "POST"])
def editor_retire(request, edition_id: int):
    """GET: which running rounds use the edition and what retiring means for them; POST: retire."""
    edition = _get_edition(edition_id)
    refusal = retire_refusal(edition)
    if refusal:
        messages.error(request, refusal)
        return redirect("frameworks:editor")
    if request.method == "GET":
        rounds = open_rounds_using(edition)
        return render(
            request,
            "frameworks/editor/confirm_retire.html",
            {
                "edition": edition,
                "rounds": rounds,
                "round_count": sum(row["count"] for row in rounds),
                "form": ConfirmForm(initial={"confirm": True}),
            },
        )
    refused = _confirmed(request, edition, "editor_retire")
    if refused:
        return refused
    try:
        edition_retire(edition=edition)
    except CatalogueError as error:
        return _refuse(request, error, reverse("frameworks:editor"))
    messages.success(request, _("版%(version)sを廃止しました。") % {"version": edition.version})
    return redirect("frameworks:editor")


@editor_required
@require_http_methods(["GET", "POST"])
def editor_delete(request, edition_id: int):
    edition = _get_edition(edition_id)
    if not edition.is_draft:
        return _refuse_frozen(request, edition)
    if request.method == "POST":
        try:
            edition_delete_draft(edition=edition)
        except CatalogueError as error:
            return _refuse(request, error, _edition_url(edition))
        messages.success(
            request, _("下書き%(version)sを削除しました。") % {"version": edition.version}
        )
        return redirect("frameworks:editor")
    return render(
        request,
        "frameworks/editor/confirm_delete.html",
        {
            "edition": edition,
            "what": _("下書き「%(title)s」（%(version)s）")
            % {"title": edition.title, "version": edition.version},
            "consequence": _("この下書きの取組分野・指標・ルーブリックもすべて削除されます。"),
            "cancel_url": _edition_url(edition),
        },
    )


@editor_required
@require_GET
def editor_diff(request):
    return render_diff(request, editions=_all_editions(), editor=True)


# --- areas -------------------------------------------------------------------------


@editor_required
@require_http_methods(["GET", "POST"])
def editor_area_create(request, edition_id: int):
    edition = _get_edition(edition_id)
    if not edition.is_draft:
        return _refuse_frozen(request, edition)
    form = AreaForm(posted_or_none(request), edition=edition)
    if request.method == "POST" and form.is_valid():
        try:
            area = area_create(edition=edition, **form.cleaned_data)
        except (CatalogueError, ValidationError) as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, _("取組分野「%(name)s」を追加しました。") % {"name": area.name}
            )
            return redirect(_edition_url(edition, f"area-{area.pk}"))
    return render(
        request,
        "frameworks/editor/area_form.html",
        {"edition": edition, "area": None, "form": form},
        status=400 if form.is_bound else 200,
    )


@editor_required
@require_http_methods(["GET", "POST"])
def editor_area_edit(request, area_id: int):
    area = _get_area(area_id)
    edition = area.edition
    if not edition.is_draft:
        return _refuse_frozen(request, edition)
    form = AreaForm(posted_or_none(request), edition=edition, instance=area)
    if request.method == "POST" and form.is_valid():
        try:
            area_update(area=area, **form.cleaned_data)
        except (CatalogueError, ValidationError) as error:
            area.refresh_from_db()
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, _("取組分野「%(name)s」を保存しました。") % {"name": area.name}
            )
            return redirect(_edition_url(edition, f"area-{area.pk}"))
    return render(
        request,
        "frameworks/editor/area_form.html",
        {"edition": edition, "area": area, "form": form},
        status=400 if form.is_bound else 200,
    )


@editor_required
@require_http_methods(["GET", "POST"])
def editor_area_delete(request, area_id: int):
    area = _get_area(area_id)
    edition = area.edition
    if not edition.is_draft:
        return _refuse_frozen(request, edition)
    if request.method == "POST":
        try:
            area_delete(area=area)
        except CatalogueError as error:
            return _refuse(request, error, _edition_url(edition))
        messages.success(request, _("取組分野「%(name)s」を削除しました。") % {"name": area.name})
        return redirect(_edition_url(edition))
    count = area.indicators.count()
    return render(
        request,
        "frameworks/editor/confirm_delete.html",
        {
            "edition": edition,
            "what": _("取組分野「%(name)s」") % {"name": area.name},
            "consequence": _("この取組分野の指標%(count)d件も削除されます。") % {"count": count}
            if count
            else "",
            "cancel_url": _edition_url(edition, f"area-{area.pk}"),
        },
    )


@editor_required
@require_POST
def editor_area_move(request, area_id: int):
    area = _get_area(area_id)
    if not area.edition.is_draft:
        return _refuse_frozen(request, area.edition)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("移動の向きを指定してください。"))
    area_move(area=area, offset=form.offset)
    return redirect(_edition_url(area.edition, f"area-{area.pk}"))


# --- indicators --------------------------------------------------------------------


def _indicator_save(editor: IndicatorEditor, *, area=None, indicator=None) -> Indicator:
    """Save the indicator and its lineage together: a refused lineage undoes the indicator."""
    with transaction.atomic():
        data = editor.indicator_data()
        if indicator is None:
            indicator = indicator_create(area=area, data=data)
        else:
            indicator = indicator_update(indicator=indicator, data=data)
        links = editor.lineage_links()
        if links is not None:
            lineage_set(indicator=indicator, links=links)
    return indicator


def _render_indicator_form(request, editor, *, area, indicator=None):
    return render(
        request,
        "frameworks/editor/indicator_form.html",
        {"edition": area.edition, "area": area, "indicator": indicator, "editor": editor},
        status=400 if editor.is_bound else 200,
    )


@editor_required
@require_http_methods(["GET", "POST"])
def editor_indicator_create(request, area_id: int):
    area = _get_area(area_id)
    edition = area.edition
    if not edition.is_draft:
        return _refuse_frozen(request, edition)
    editor = IndicatorEditor(posted_or_none(request), edition=edition)
    if request.method == "POST" and editor.is_valid():
        try:
            indicator = _indicator_save(editor, area=area)
        except (CatalogueError, ValidationError) as error:
            editor.service_errors = error.messages
        else:
            messages.success(request, _("指標%(code)sを追加しました。") % {"code": indicator.code})
            return redirect(_edition_url(edition, f"indicator-{indicator.pk}"))
    return _render_indicator_form(request, editor, area=area)


@editor_required
@require_http_methods(["GET", "POST"])
def editor_indicator_edit(request, indicator_id: int):
    indicator = _get_indicator(indicator_id)
    edition = indicator.edition
    if not edition.is_draft:
        return _refuse_frozen(request, edition)
    editor = IndicatorEditor(posted_or_none(request), edition=edition, indicator=indicator)
    if request.method == "POST" and editor.is_valid():
        try:
            _indicator_save(editor, indicator=indicator)
        except (CatalogueError, ValidationError) as error:
            editor.service_errors = error.messages
            indicator = _get_indicator(indicator_id)  # as it still is in the database
        else:
            messages.success(request, _("指標%(code)sを保存しました。") % {"code": indicator.code})
            return redirect(_edition_url(edition, f"indicator-{indicator.pk}"))
    return _render_indicator_form(request, editor, area=indicator.area, indicator=indicator)


@editor_required
@require_http_methods(["GET", "POST"])
def editor_indicator_delete(request, indicator_id: int):
    indicator = _get_indicator(indicator_id)
    edition = indicator.edition
    if not edition.is_draft:
        return _refuse_frozen(request, edition)
    if request.method == "POST":
        try:
            indicator_delete(indicator=indicator)
        except CatalogueError as error:
            return _refuse(request, error, _edition_url(edition))
        messages.success(request, _("指標%(code)sを削除しました。") % {"code": indicator.code})
        return redirect(_edition_url(edition, f"area-{indicator.area_id}"))
    return render(
        request,
        "frameworks/editor/confirm_delete.html",
        {
            "edition": edition,
            "what": _("指標%(code)s「%(question)s」")
            % {"code": indicator.code, "question": indicator.question},
            "consequence": _("ルーブリック・選択肢と前の版との対応関係も削除されます。"),
            "cancel_url": _edition_url(edition, f"indicator-{indicator.pk}"),
        },
    )


@editor_required
@require_POST
def editor_indicator_move(request, indicator_id: int):
    indicator = get_object_or_404(
        Indicator.objects.select_related("edition", "area"), pk=indicator_id
    )
    if not indicator.edition.is_draft:
        return _refuse_frozen(request, indicator.edition)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("移動の向きを指定してください。"))
    indicator_move(indicator=indicator, offset=form.offset)
    return redirect(_edition_url(indicator.edition, f"indicator-{indicator.pk}"))
