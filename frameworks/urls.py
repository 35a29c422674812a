"""The catalogue: public pages for anyone, /catalogue/editor/ for catalogue editors.

The editor's routes come before `<framework_code>/<version>/`, so "editor" and
"diff" cannot be framework codes here.
"""

from django.urls import path

from frameworks.views import editor, public

app_name = "frameworks"
urlpatterns = [
    path("", public.index, name="index"),
    path("diff/", public.diff, name="diff"),
    path("editor/", editor.editor_index, name="editor"),
    path("editor/diff/", editor.editor_diff, name="editor_diff"),
    path("editor/<int:edition_id>/", editor.editor_edition, name="editor_edition"),
    path("editor/<int:edition_id>/clone/", editor.editor_clone, name="editor_clone"),
    path("editor/<int:edition_id>/publish/", editor.editor_publish, name="editor_publish"),
    path("editor/<int:edition_id>/retire/", editor.editor_retire, name="editor_retire"),
    path("editor/<int:edition_id>/delete/", editor.editor_delete, name="editor_delete"),
    path(
        "editor/<int:edition_id>/areas/new/",
        editor.editor_area_create,
        name="editor_area_create",
    ),
    path("editor/areas/<int:area_id>/", editor.editor_area_edit, name="editor_area_edit"),
    path(
        "editor/areas/<int:area_id>/delete/",
        editor.editor_area_delete,
        name="editor_area_delete",
    ),
    path("editor/areas/<int:area_id>/move/", editor.editor_area_move, name="editor_area_move"),
    path(
        "editor/areas/<int:area_id>/indicators/new/",
        editor.editor_indicator_create,
        name="editor_indicator_create",
    ),
    path(
        "editor/indicators/<int:indicator_id>/",
        editor.editor_indicator_edit,
        name="editor_indicator_edit",
    ),
    path(
        "editor/indicators/<int:indicator_id>/delete/",
        editor.editor_indicator_delete,
        name="editor_indicator_delete",
    ),
    path(
        "editor/indicators/<int:indicator_id>/move/",
        editor.editor_indicator_move,
        name="editor_indicator_move",
    ),
    path("<slug:framework_code>/<str:version>/", public.edition, name="edition"),
]
