"""A respondent's questionnaires (/questionnaires/…): answering, evidence files, history.

The Excel round trip (assessments/urls/workbooks.py) shares the prefix with paths of its own.
"""

from django.urls import path

from assessments.views import answering as views

app_name = "questionnaires"

QUESTIONNAIRE = "<int:questionnaire_id>/"

urlpatterns = [
    path("", views.mine, name="mine"),
    path(QUESTIONNAIRE, views.overview, name="detail"),
    path(f"{QUESTIONNAIRE}submit/", views.submit, name="submit"),
    path(f"{QUESTIONNAIRE}areas/<slug:area_code>/", views.area, name="area"),
    path(f"{QUESTIONNAIRE}answers/<str:indicator_code>/", views.save, name="answer_save"),
    path(
        f"{QUESTIONNAIRE}answers/<str:indicator_code>/evidence/",
        views.evidence_add,
        name="evidence_upload",
    ),
    path(
        f"{QUESTIONNAIRE}evidence/<int:file_id>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path(
        f"{QUESTIONNAIRE}evidence/<int:file_id>/delete/",
        views.evidence_remove,
        name="evidence_delete",
    ),
    path(f"{QUESTIONNAIRE}history/", views.history, name="history"),
]
