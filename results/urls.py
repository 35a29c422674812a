"""Results pages. /results/rules/ is public: how the scores are computed.

/results/<code>/rounds/<id>/ is a round's dashboard, for the municipality's
coordinators and consultants; …/departments/<department_id>/ is one
department's results, also for that department's respondents.
"""

from django.urls import path

from results import views

app_name = "results"
urlpatterns = [
    path("rules/", views.rules, name="rules"),
    path("<str:code>/rounds/<int:round_id>/", views.dashboard, name="dashboard"),
    path(
        "<str:code>/rounds/<int:round_id>/departments/<int:department_id>/",
        views.department,
        name="department",
    ),
]
