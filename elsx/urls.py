"""URLs mounted under /elsx/ in the LMS, Studio and the demo."""
from django.urls import path, re_path

from elsx.certificates import views
from elsx.credentials import views as credential_views

app_name = "elsx"

urlpatterns = [
    path("verify/", views.verify_lookup, name="verify_lookup"),
    # The .json form first: the HTML pattern would otherwise swallow the suffix. Anything at all
    # after verify/ reaches the views, so a mangled number gets the friendly 404, not Django's.
    re_path(r"^verify/(?P<number>.+?)\.vc\.json$", views.verify_vc, name="verify_vc"),
    re_path(r"^verify/(?P<number>.+?)\.json$", views.verify_json, name="verify_json"),
    re_path(r"^verify/(?P<number>.+?)/?$", views.verify_page, name="verify"),
    # The short form printed on certificates and in their QR codes.
    re_path(r"^v/(?P<number>[0-9A-Za-z]{20})$", views.verify_page, name="verify_short"),
    path("issuer", credential_views.issuer, name="issuer"),
    path("issuer/keys/<int:n>", credential_views.issuer_key, name="issuer_key"),
    path("status/<int:n>", views.status_list, name="status_list"),
]
