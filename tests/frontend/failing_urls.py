"""The portal's URLs plus one view that fails, to see the 500 page as a visitor does."""

from django.urls import path

from dxportal.urls import urlpatterns as portal_urlpatterns


def fail(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [*portal_urlpatterns, path("fail/", fail)]
