"""Benchmark pages: a round against its peers, and a consultant's portfolio."""

from django.urls import path

from results import views_benchmarks

app_name = "benchmarks"
urlpatterns = [
    path(
        "<str:code>/rounds/<int:round_id>/benchmark/",
        views_benchmarks.benchmark,
        name="benchmark",
    ),
    path("portfolio/", views_benchmarks.portfolio_view, name="portfolio"),
]
