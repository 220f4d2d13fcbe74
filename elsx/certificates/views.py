"""Public verification: /elsx/verify/<number> as a page and as JSON, rate-limited per client address."""
import ipaddress
import json
import time

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from elsx import conf, templating
from elsx.certificates import api, numbers
from elsx.errors import NotFound

WINDOW_SECONDS = 60
BUCKET_SECONDS = 5
BUCKETS = WINDOW_SECONDS // BUCKET_SECONDS
# The page has no scripts and no outside resources; the provider's logo is inlined as a data: URL.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
                               "base-uri 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    # A revocation must show at once: never serve a cached status.
    "Cache-Control": "no-store",
}


def client_address(request):
    # REMOTE_ADDR only: a client can write X-Forwarded-For itself. In the LMS,
    # XForwardedForMiddleware (openedx/core/lib/x_forwarded_for/middleware.py, first in
    # lms/envs/common.py MIDDLEWARE) has already replaced REMOTE_ADDR with
    # edx_django_utils.ip.get_safest_client_ip(): the rightmost address outside the
    # deployment, per CLOSEST_CLIENT_IP_FROM_HEADERS. See docs/hostile-input.md.
    return request.META.get("REMOTE_ADDR") or "unknown"


def client_key(address):
    """Who a limit applies to: an IPv4 address, or an IPv6 client's /64 (one subscriber's whole prefix)."""
    try:
        parsed = ipaddress.ip_address(str(address).split("%", 1)[0])
    except ValueError:
        return "unknown"
    if parsed.version == 6:
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def rate_limited(request, now=None):
    """Count this request against the client's allowance; True once more than the limit came in a window.

    A sliding window of BUCKETS counters: the request is counted in its
    bucket, and the sum over the last window (plus the bucket that is
    partly out of it, to stay on the safe side) is compared with the limit.
    So no 60 seconds ever see more than the limit, also across a boundary,
    where a fixed window allowed twice as many. Counters use the cache's
    atomic incr, so concurrent requests are all counted.
    """
    limit = int(conf.get("VERIFY_RATE_LIMIT"))
    if limit <= 0:
        return False
    now = time.time() if now is None else now
    bucket = int(now // BUCKET_SECONDS)
    prefix = f"elsx:verify:{client_key(client_address(request))}:"
    key = f"{prefix}{bucket}"
    timeout = WINDOW_SECONDS + 2 * BUCKET_SECONDS
    cache.add(key, 0, timeout)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
    keys = [f"{prefix}{bucket - index}" for index in range(BUCKETS + 1)]
    return sum(cache.get_many(keys).values()) > limit


def _secure(response):
    for header, value in SECURITY_HEADERS.items():
        response[header] = value
    return response


def _page(template, context, status=200):
    return _secure(HttpResponse(templating.render(template, context), status=status,
                                content_type="text/html; charset=utf-8"))


def _json(data, status=200):
    return _secure(HttpResponse(json.dumps(data, ensure_ascii=False), status=status,
                                content_type="application/json; charset=utf-8"))


def _too_many():
    return _("Too many verification requests from your address. Please wait a minute and try again.")


def _not_found_message():
    return _("We could not find a certificate with that number. Check the number on the certificate "
             "and try again; letters may be typed in either case, and dashes are optional.")


def _malformed_message(exc):
    """What is wrong with a typed number, in words, for the error shown at the field."""
    if exc.reason == numbers.WRONG_LENGTH:
        return _("A certificate number has {length} letters and digits; this one has {count}. Dashes and "
                 "spaces don't count.").format(length=numbers.LENGTH, count=len(exc.canonical))
    if exc.reason == numbers.BAD_CHARACTER:
        character = next(char for char in exc.canonical if char not in numbers.ALPHABET)
        return _("A certificate number has only digits and the letters A to Z, never U; this one has "
                 "“{character}”.").format(character=character)
    return _("One character is mistyped, or two side by side are swapped: the last character doesn't match "
             "the others. Compare the number with the certificate again.")


@require_safe
def verify_page(request, number):
    if rate_limited(request):
        response = _page("elsx/verify_error.html", {"title": _("Please wait"), "message": _too_many(),
                                                    "number": ""}, status=429)
        response["Retry-After"] = str(WINDOW_SECONDS)
        return response
    try:
        result = api.verify(number)
    except NotFound:
        return _page("elsx/verify_error.html", {"title": _("Certificate not found"),
                                                "message": _not_found_message(), "number": number[:64]},
                     status=404)
    cert = result.certificate
    return _page("elsx/verify.html", {
        "result": result,
        "cert": cert,
        "successor_url": reverse("elsx:verify", kwargs={"number": result.successor}) if result.successor else "",
        "json_url": reverse("elsx:verify_json", kwargs={"number": result.number}),
        "vc_url": reverse("elsx:verify_vc", kwargs={"number": result.number}) if cert.public_credential else "",
        "issuer": api.issuer_display(),
        "role_label": str(api.ROLES[cert.role]) if cert.role in api.ROLES else "",
        "criteria": api.criteria_text(),
    })


@require_safe
def verify_vc(request, number):
    """The stored signed public credential, alone and byte for byte as signed."""
    if rate_limited(request):
        response = _json({"error": _too_many()}, status=429)
        response["Retry-After"] = str(WINDOW_SECONDS)
        return response
    try:
        result = api.verify(number)
    except NotFound:
        return _json({"error": _not_found_message(), "status": "not_found"}, status=404)
    if not result.certificate.public_credential:  # issued before credentials were signed
        return _json({"error": _("This certificate has no signed credential."), "status": result.status},
                     status=404)
    response = _secure(HttpResponse(result.certificate.public_credential.encode("utf-8"),
                                    content_type="application/vc+ld+json"))
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def status_list(request, n):
    """The signed BitstringStatusListCredential; cacheable briefly, so a revocation shows within minutes."""
    body = api.status_list_json(n)
    if body is None:
        return _json({"error": "no such status list"}, status=404)
    response = HttpResponse(body.encode("utf-8"), content_type="application/vc+ld+json")
    response["Cache-Control"] = f"public, max-age={int(conf.get('STATUS_LIST_MAX_AGE'))}"
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def verify_json(request, number):
    if rate_limited(request):
        response = _json({"error": _too_many()}, status=429)
        response["Retry-After"] = str(WINDOW_SECONDS)
        return response
    try:
        result = api.verify(number)
    except NotFound:
        return _json({"error": _not_found_message(), "status": "not_found"}, status=404)
    return _json(result.public_record())


@require_safe
def verify_lookup(request):
    """A form to type a number; sends the browser to its verification page."""
    typed = (request.GET.get("number") or "").strip()[:64]
    if typed:
        try:
            canonical = numbers.normalize(typed)
        except numbers.InvalidNumber as exc:
            # Not a number at all: said at the field, with what is wrong (no lookup was made).
            return _page("elsx/verify_error.html", {"title": _("Check the certificate number"), "message": "",
                                                    "field_error": _malformed_message(exc), "number": typed},
                         status=404)
        return HttpResponseRedirect(reverse("elsx:verify", kwargs={"number": numbers.display(canonical)}))
    return _page("elsx/verify_error.html", {"title": _("Verify a certificate"), "message": "", "number": ""})
