"""Export downloads: the URL carries an opaque, short-lived token bound to the staff user; no filter in it."""
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.utils import timezone

from elsx.cohort import links
from elsx.errors import NotFound
from elsx.models import ExportLink
from tests.cohort_helpers import cohort_xml, token_of
from tests.conftest import as_user
from tests.hostile.conftest import ALICE_EMAIL, ALICE_FULL_NAME, COURSE, STAFF, json_call, raw_call

pytestmark = pytest.mark.django_db
OTHER_STAFF = "instructor2"


@pytest.fixture
def dashboard(make_block, world, settings):
    settings.ELSX_DEMO_STAFF_IDS = {STAFF, OTHER_STAFF}
    return make_block(cohort_xml(), STAFF)


def export_url(block, search):
    status, body, raw, _headers = json_call(block, "export", {"kind": "roster", "grid": {"search": search}})
    assert status == 200 and body["mode"] == "inline", raw[:300]
    return body["url"]


@pytest.mark.parametrize("search", [ALICE_EMAIL, ALICE_FULL_NAME.split()[1], "alicia.quartermaine"])
def test_a_searched_email_or_name_never_reaches_the_url(dashboard, search):
    url = export_url(dashboard, search)
    assert search.lower() not in unquote(url).lower()
    token = token_of(url)
    assert ExportLink.objects.get().params == {"search": search}
    assert token not in str(list(ExportLink.objects.values()))  # only its hash is stored
    status, _payload, body, _headers = raw_call(dashboard, "download", method="GET", query=f"token={token}")
    assert status == 200 and ALICE_EMAIL.encode() in body


def test_a_finished_job_link_is_a_token_too(dashboard, settings):
    settings.ELSX = dict(settings.ELSX, INLINE_EXPORT_MAX_ROWS=0, EXPORT_BACKGROUND="inline")
    status, body, raw, _headers = json_call(dashboard, "export", {"kind": "credit"})
    assert status == 200 and body["mode"] == "job" and body["status"] == "done", raw[:300]
    assert "job=" not in body["url"]
    status, _payload, csv_body, _headers = raw_call(dashboard, "download", method="GET",
                                                    query=f"token={token_of(body['url'])}")
    assert status == 200 and csv_body.startswith(b"\xef\xbb\xbf")


def test_the_token_is_bound_to_the_staff_user_who_asked(dashboard):
    token = token_of(export_url(dashboard, "ali"))
    other = as_user(dashboard, OTHER_STAFF)
    assert other.current_learner().is_staff
    status, payload, raw, _headers = raw_call(other, "download", method="GET", query=f"token={token}")
    assert status == 404 and b"alicia" not in raw.lower() and "Export again" in payload["error"]


def test_the_token_expires(dashboard):
    token = token_of(export_url(dashboard, "ali"))
    ExportLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    status, payload, _raw, _headers = raw_call(dashboard, "download", method="GET", query=f"token={token}")
    assert status == 404 and "expired" in payload["error"]


def test_a_token_of_another_course_or_a_made_up_one_is_refused(dashboard):
    token = links.create("course-v1:Other+X+1", STAFF, "credit", {"profile": "default"})
    for query in (f"token={token}", "token=" + "A" * 43, "token=" + token[:-1]):
        assert raw_call(dashboard, "download", method="GET", query=query)[0] == 404


def test_filters_in_the_download_url_are_refused(dashboard):
    for query in ("kind=credit", "kind=roster&search=alicia", "job=1"):
        status, payload, _raw, _headers = raw_call(dashboard, "download", method="GET", query=query)
        assert status == 400 and payload["error"]


def test_links_expire_after_the_ttl_and_old_rows_are_purged():
    now = timezone.now()
    token = links.create(COURSE, STAFF, "credit", now=now - links.TTL - timedelta(seconds=1))
    with pytest.raises(NotFound):
        links.redeem(COURSE, STAFF, token, now=now)
    links.create(COURSE, STAFF, "credit", now=now)
    assert ExportLink.objects.count() == 1  # the expired one was deleted
