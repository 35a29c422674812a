"""Rounds of a municipality (/m/<code>/rounds/…) and portal-wide surveys (/m/surveys/new/)."""

from django.urls import path

from assessments.views import coordination as views

app_name = "rounds"

ROUND = "<str:code>/rounds/<int:round_id>/"

urlpatterns = [
    path("surveys/new/", views.survey_new, name="survey_new"),
    path("<str:code>/rounds/", views.index, name="index"),
    path("<str:code>/rounds/new/", views.new, name="new"),
    path(ROUND, views.detail, name="detail"),
    path(f"{ROUND}remind/", views.remind, name="remind"),
    path(f"{ROUND}close/", views.close, name="close"),
    path(f"{ROUND}assignments/", views.assignments, name="assignments"),
    path(
        f"{ROUND}assignments/<str:indicator_code>/",
        views.assignment_edit,
        name="assignment_edit",
    ),
    path(
        f"{ROUND}questionnaires/<int:questionnaire_id>/review/",
        views.review,
        name="review",
    ),
    path(f"{ROUND}reconciliation/", views.reconciliation, name="reconciliation"),
    path(
        f"{ROUND}reconciliation/<str:indicator_code>/",
        views.reconciliation_item,
        name="reconciliation_item",
    ),
]
