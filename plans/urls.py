"""Action plans: /plans/<code>/rounds/<id>/ and its items (see plans/README.md for who may do what)."""

from django.urls import path

from plans import views

app_name = "plans"

ROUND = "<str:code>/rounds/<int:round_id>/"

urlpatterns = [
    path(ROUND, views.plan, name="plan"),
    path(f"{ROUND}items/new/", views.item_new, name="item_new"),
    path(f"{ROUND}items/<int:item_id>/", views.item_edit, name="item_edit"),
    path(f"{ROUND}items/<int:item_id>/status/", views.item_status, name="item_status"),
]
