"""Results pages. /results/rules/ is public: how the scores are computed."""

from django.urls import path

from results import views

app_name = "results"
urlpatterns = [
    path("rules/", views.rules, name="rules"),
]
