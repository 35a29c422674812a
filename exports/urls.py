"""Data exports of a round (CSV, XLSX, JSON) and bulk PDF exports. See exports/README.md."""

from django.urls import path

from exports import views, views_bulk

app_name = "exports"
urlpatterns = [
    path(
        "m/<str:code>/rounds/<int:round_id>/<slug:table>.csv",
        views.table_csv,
        name="table_csv",
    ),
    path("m/<str:code>/rounds/<int:round_id>/results.xlsx", views.workbook, name="workbook"),
    path("m/<str:code>/rounds/<int:round_id>/results.json", views.document, name="document"),
    path("bulk/", views_bulk.bulk_new, name="bulk"),
    path("bulk/<int:job_id>/", views_bulk.job_detail, name="job"),
    path("bulk/<int:job_id>/download/", views_bulk.job_download, name="job_download"),
]
