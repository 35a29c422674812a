from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("<str:code>/", views.event_list, name="events"),
    path("<str:code>/events.csv", views.event_csv, name="events_csv"),
]
