"""Excel round trip of a questionnaire (included under /questionnaires/)."""

from django.urls import path

from assessments.views import workbooks

app_name = "workbooks"
urlpatterns = [
    path("<int:questionnaire_id>/workbook.xlsx", workbooks.download, name="download"),
    path("<int:questionnaire_id>/workbook/upload/", workbooks.upload, name="upload"),
    path("<int:questionnaire_id>/workbook/apply/", workbooks.apply, name="apply"),
]
