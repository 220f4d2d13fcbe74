"""Spanish pages over English course content: lang per locale, English marked lang="en", one date format."""
import datetime
import html as html_module
import re

import pytest

from django.utils import formats, translation

from elsx.certificates import api
from elsx.curriculum import get_curriculum
from tests.certificates_helpers import CLAIM, complete_topics, learner, mark_claimed, media  # noqa: F401
from tests.conftest import render

SPANISH = "es-419"
pytestmark = pytest.mark.django_db


def issued(learner_id="learner-1"):
    complete_topics(learner_id)
    mark_claimed(learner_id)
    return api.issue("course-v1:ELSX+EXEC101+demo", learner_id)


def test_verification_page_is_marked_spanish_with_the_english_parts_marked_english(client, media):
    cert = issued()
    url = api.verification_url(cert.number).split("lms.example.org", 1)[-1]
    html = client.get(url, HTTP_ACCEPT_LANGUAGE=SPANISH).content.decode()
    assert '<html lang="es-419">' in html
    assert "Verificación" in html
    course = re.search(r"<dd lang=\"en\">([^<]+)", html)
    assert course and cert.course_title in html_module.unescape(course.group(1))
    with translation.override(SPANISH):
        spanish_date = formats.date_format(cert.issued_at.date() if hasattr(cert.issued_at, "date")
                                           else cert.issued_at, "DATE_FORMAT")
    assert spanish_date in html and " de " in spanish_date, spanish_date
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in english and 'lang="en"' not in english.split("<html", 1)[1].split(">", 1)[1]


def test_topic_in_spanish_says_content_is_in_english_and_marks_it(make_block):
    topic = get_curriculum().topics[0]
    block = make_block(f'<elsx_topic topic_id="{topic.id}"/>', "learner-1")
    with translation.override(SPANISH):
        html = render(block)
    assert "El contenido del curso está en inglés." in html
    assert f'<h2 id="' in html and f'lang="en">{topic.title}</h2>' in html
    assert f'<span lang="en">{topic.sections[0].title}</span>' in html
    assert 'class="elsx-section__body" lang="en"' in html
    english = render(make_block(f'<elsx_topic topic_id="{topic.id}"/>', "learner-2"))
    assert "Course content is in English" not in english and 'lang="en"' not in english


def test_one_date_format_per_locale():
    day = datetime.date(2026, 12, 2)
    with translation.override(SPANISH):
        assert formats.date_format(day, "DATE_FORMAT") == "2 de diciembre de 2026"
    from pathlib import Path  # pylint: disable=import-outside-toplevel
    templates = Path(__file__).resolve().parent.parent / "elsx" / "templates" / "elsx"
    for name in ("verify.html", "certificate_body.html", "certificate_state.html"):
        text = (templates / name).read_text(encoding="utf-8")
        assert '"F j, Y"' not in text, name
