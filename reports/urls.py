"""PDF reports of a round: the municipality's, and one department's."""

from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path(
        "<str:code>/rounds/<int:round_id>/report.pdf",
        views.municipality_report,
        name="municipality",
    ),
    path(
        "<str:code>/rounds/<int:round_id>/departments/<int:department_id>/report.pdf",
        views.department_report,
        name="department",
    ),
]
