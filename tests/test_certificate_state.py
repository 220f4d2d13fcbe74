"""The certificate's message is derived from its records each time: never a stale "ready to claim"."""
import re

from elsx.certificates import api, numbers
from elsx.models import Certificate
from tests.certificates_helpers import CLAIM, COURSE, complete_topics, media  # noqa: F401
from tests.cohort_helpers import cohort_xml
from tests.conftest import as_user, call, render

PAGE = "<vertical_demo><elsx_progress/><elsx_certificate/></vertical_demo>"


def page(make_block, learner_id="learner-1"):
    root = make_block(PAGE, learner_id)
    return [root.runtime.get_block(child) for child in root.children]


def message(html):
    found = re.search(r'data-certificate-state="([a-z_]+)"', html)
    return found.group(1) if found else None


def test_the_progress_block_follows_the_certificate_from_ready_to_issued_to_revoked(make_block, media):
    complete_topics("learner-1")
    progress, certificate = page(make_block)
    assert api.certificate_state(COURSE, "learner-1").kind == "ready"
    html = render(progress)
    assert message(html) == "ready" and "Your certificate is ready to claim." in html
    assert 'href="#elsx-topic-certificate-area"' in html
    assert 'id="elsx-topic-certificate-area"' in render(certificate)

    assert call(certificate, "claim", CLAIM)[0] == 200
    cert = Certificate.objects.get()
    for html in (render(progress), call(progress, "refresh", {})[1]["html"]):
        assert message(html) == "issued", html
        assert "ready to claim" not in html
        assert f"Your certificate {numbers.display(cert.number)} is issued." in html
        assert "Download it in the Certificate section" in html

    staff = make_block(cohort_xml(), "instructor")  # staff revoke from the cohort drill-down
    status, body = call(staff, "revoke_certificate", {"learner_id": "learner-1", "number": numbers.display(cert.number),
                                                      "reason": "Issued in error."})
    assert status == 200 and "html" in body
    html = render(progress)
    assert message(html) == "revoked" and "ready to claim" not in html and "is issued" not in html
    assert "Contact course staff" in html and "was revoked on" in html


def test_not_eligible_until_every_requirement_is_met(make_block, media, settings):
    complete_topics("learner-1")
    settings.ELSX = dict(settings.ELSX, EXTRA_REQUIREMENTS=["tests.test_certificate_state.unmet"])
    progress, _certificate = page(make_block)
    html = render(progress)
    assert message(html) == "not_eligible" and "ready to claim" not in html


def test_a_learner_partway_sees_no_certificate_message(make_block, media):
    complete_topics("learner-1", skip=("media-relations",))
    progress, _certificate = page(make_block)
    assert message(render(progress)) is None


def test_the_claimed_certificate_keeps_words_of_the_name_together(make_block, media):
    complete_topics("learner-1")
    _progress, certificate = page(make_block)
    html = call(certificate, "claim", CLAIM)[1]["html"]
    words = [f'<span class="elsx-keep">{word}</span>' for word in CLAIM["legal_name"].split()]
    assert " ".join(words) in html


def unmet(course_key, learner_id):
    from elsx.eligibility import Requirement  # pylint: disable=import-outside-toplevel
    return Requirement(key="evaluation", label="Complete the course evaluation", met=False)
