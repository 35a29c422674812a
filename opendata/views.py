"""The open-data import page: catalogue editors and system admins upload a file (as the command
does); a refused file lists every problem by place and changes nothing."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import Capability, access_for
from opendata.forms import OpenDataImportForm
from opendata.importing import open_data_import
from opendata.models import OpenDataImport
from opendata.reading import MAX_FILE_BYTES, OpenDataRejected

RECENT = 20


def _editor_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not access_for(request.user).has_global(Capability.EDIT_CATALOGUE):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@_editor_required
@require_http_methods(["GET", "POST"])
def imports(request):
    problems: list[str] = []
    if request.method == "POST":
        form = OpenDataImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > MAX_FILE_BYTES:
                    raise OpenDataRejected(
                        [
                            _("ファイルが大きすぎます（上限は %(limit)d MB です）。")
                            % {"limit": MAX_FILE_BYTES // (1024 * 1024)}
                        ]
                    )
                imported = open_data_import(
                    data=upload.read(),
                    file_name=upload.name,
                    source=form.cleaned_data["source"],
                    as_of=form.cleaned_data["as_of"],
                    user=request.user,
                )
            except OpenDataRejected as rejected:
                problems = rejected.problems
            else:
                messages.success(
                    request,
                    _("%(file)sから%(municipalities)d団体・%(values)d件の値を取り込みました。")
                    % {
                        "file": imported.file_name,
                        "municipalities": imported.municipality_count,
                        "values": imported.value_count,
                    },
                )
                return redirect("opendata:imports")
    else:
        form = OpenDataImportForm()
    recent = OpenDataImport.objects.select_related("imported_by")[:RECENT]
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "opendata/imports.html",
        {"form": form, "problems": problems, "recent": recent},
        status=status,
    )
