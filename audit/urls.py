from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    # Before `<code>/`: municipality codes are six digits, so "catalogue" is never one.
    path("catalogue/", views.catalogue_event_list, name="catalogue_events"),
    path("catalogue/events.csv", views.catalogue_event_csv, name="catalogue_events_csv"),
    path("<str:code>/", views.event_list, name="events"),
    path("<str:code>/events.csv", views.event_csv, name="events_csv"),
]
