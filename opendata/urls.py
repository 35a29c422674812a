from django.urls import path

from opendata import views

app_name = "opendata"

urlpatterns = [path("", views.imports, name="imports")]
