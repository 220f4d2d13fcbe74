"""What a verifier fetches: the issuer profile (controller document) and its keys."""
import json

from django.http import HttpResponse
from django.views.decorators.http import require_safe

from elsx.credentials import api, keys

# Public, static documents any verifier (a browser wallet too) may read.
HEADERS = {"Access-Control-Allow-Origin": "*", "X-Content-Type-Options": "nosniff",
           "Cache-Control": "public, max-age=3600"}


def respond(body, status=200, content_type="application/ld+json", headers=HEADERS):
    if not isinstance(body, (bytes, str)):
        body = json.dumps(body, ensure_ascii=False, indent=2)
    response = HttpResponse(body, status=status, content_type=content_type)
    for header, value in headers.items():
        response[header] = value
    return response


def _unavailable():
    return respond({"error": "signing keys are not configured"}, status=503, content_type="application/json",
                   headers={"Cache-Control": "no-store"})


@require_safe
def issuer(request):
    try:
        return respond(api.issuer_profile())
    except keys.KeysNotConfigured:
        return _unavailable()


@require_safe
def issuer_key(request, n):
    try:
        document = api.key_document(n)
    except keys.KeysNotConfigured:
        return _unavailable()
    if document is None:
        return respond({"error": "no such key"}, status=404, content_type="application/json")
    return respond(document)
