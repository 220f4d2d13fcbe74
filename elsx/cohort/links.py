"""Download links for exports: an opaque, short-lived token bound to the staff user who asked.

The dashboard's filters can hold a searched email address or name, so they
stay in the database (ExportLink) and never reach a URL, an access log or the
browser history. The URL carries a random token; the row keeps only its hash.
"""
import hashlib
import re
import secrets
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from elsx.cohort.models import ExportLink
from elsx.errors import NotFound

TTL = timedelta(minutes=10)  # long enough to click, short enough that a copied URL soon dies
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


def _digest(token):
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def create(course_key, user_id, kind, params=None, job_id=None, now=None):
    """A new token for this export, usable by user_id in course_key until TTL from now."""
    now = now or timezone.now()
    ExportLink.objects.filter(expires_at__lt=now).delete()  # expired links are worthless: keep the table small
    token = secrets.token_urlsafe(32)
    ExportLink.objects.create(token_hash=_digest(token), course_key=str(course_key), user_id=str(user_id),
                              kind=kind, params=params or {}, job_id=job_id, expires_at=now + TTL)
    return token


def redeem(course_key, user_id, token, now=None):
    """The link for token, or NotFound: unknown, for another user or course, or expired look alike."""
    refused = NotFound(_("This download link is not valid or has expired. Export again."))
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        raise refused
    link = ExportLink.objects.filter(token_hash=_digest(token), course_key=str(course_key)).first()
    if link is None or link.user_id != str(user_id) or link.expires_at <= (now or timezone.now()):
        raise refused
    return link
