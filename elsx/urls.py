"""URLs mounted under /elsx/ in the LMS, Studio and the demo."""
from django.urls import path, re_path

from elsx.certificates import views

app_name = "elsx"

urlpatterns = [
    path("verify/", views.verify_lookup, name="verify_lookup"),
    # The .json form first: the HTML pattern would otherwise swallow the suffix. Anything at all
    # after verify/ reaches the views, so a mangled number gets the friendly 404, not Django's.
    re_path(r"^verify/(?P<number>.+?)\.json$", views.verify_json, name="verify_json"),
    re_path(r"^verify/(?P<number>.+?)/?$", views.verify_page, name="verify"),
]
