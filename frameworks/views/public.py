"""The public catalogue: published and retired editions as learning material, for anyone.

Drafts are a 404 here, so an unpublished edition cannot be seen or guessed.
"""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from accounts.access import Capability, access_for
from frameworks.diff import snapshot
from frameworks.forms import DiffForm, SearchForm
from frameworks.models import Edition, EditionStatus
from frameworks.selectors import edition_with_content, public_editions
from frameworks.views.presenting import diff_tables, edition_content, editions_by_framework


def _get_public_edition(framework_code: str, version: str) -> Edition:
    """A published or retired edition with all its content loaded, else 404."""
    edition = get_object_or_404(
        Edition.objects.visible_to_public().only("pk"),
        framework__code=framework_code,
        version=version,
    )
    return edition_with_content(edition)


@require_GET
def index(request):
    return render(
        request,
        "frameworks/index.html",
        {
            "groups": editions_by_framework(public_editions()),
            "can_edit": access_for(request.user).has_global(Capability.EDIT_CATALOGUE),
        },
    )


@require_GET
def edition(request, framework_code: str, version: str):
    edition = _get_public_edition(framework_code, version)
    search = SearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    areas = edition_content(edition, query)
    return render(
        request,
        "frameworks/edition.html",
        {
            "edition": edition,
            "search": search,
            "query": query,
            "areas": areas,
            "hits": sum(area.count for area in areas),
            "is_retired": edition.status == EditionStatus.RETIRED,
            "predecessor_is_public": edition.predecessor is not None
            and not edition.predecessor.is_draft,
        },
    )


def render_diff(request, *, editions, editor: bool):
    """The comparison page for two of `editions` chosen with ?old=&new= (shared with the editor)."""
    form = DiffForm(request.GET or None, editions=editions)
    tables = old = new = None
    if form.is_valid():
        old, new = form.cleaned_data["old"], form.cleaned_data["new"]
        tables = diff_tables(
            snapshot(edition_with_content(old)), snapshot(edition_with_content(new))
        )
    return render(
        request,
        "frameworks/diff.html",
        {"form": form, "tables": tables, "old": old, "new": new, "editor": editor},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_GET
def diff(request):
    return render_diff(request, editions=public_editions(), editor=False)
