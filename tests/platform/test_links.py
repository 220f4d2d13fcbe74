"""Links between units in the Learning MFE: resolved by topic id, absolute, and out of the unit's iframe.

Mirrors lms/urls.py (courses/<course>/jump_to/<location>, and jump_to_id/<url_name>) and the modulestore's
get_items (xmodule/modulestore/split_mongo/split.py). The MFE renders each unit in an iframe, so a link
without target="_top" opens the MFE inside the unit.
"""
import re

import pytest

from tests.conftest import COURSE
from tests.platform.runtimes import install_modulestore, modulestore_topic, render

pytestmark = pytest.mark.django_db


@pytest.fixture
def lms(settings):
    settings.ROOT_URLCONF = "lms.urls"
    settings.LMS_ROOT_URL = "https://lms.example.org"


def links(html):
    return dict((href, tag) for tag, href in re.findall(r'(<a href="([^"]+)"[^>]*>)', html))


def test_a_topic_added_in_studio_is_found_by_its_topic_id(lms, monkeypatch, make_block):
    store = install_modulestore(monkeypatch, [modulestore_topic(COURSE, "3f9a1c0d2b", "vulnerable-populations")])
    html = render(make_block("<elsx_progress/>", "learner-1"))
    url = "https://lms.example.org/courses/course-v1:ELSX+EXEC101+demo/jump_to/" \
          "block-v1:ELSX+EXEC101+demo+type@elsx_topic+block@3f9a1c0d2b"
    found = links(html)
    assert url in found and 'target="_top"' in found[url]
    assert len(store.calls) == 1  # one modulestore query for the whole block


def test_every_link_is_absolute_and_leaves_the_iframe(lms, monkeypatch, make_block):
    install_modulestore(monkeypatch, [])
    found = links(render(make_block("<elsx_progress/>", "learner-1")))
    topic_links = {href: tag for href, tag in found.items() if "/courses/" in href}
    assert len(topic_links) >= 10
    for href, tag in topic_links.items():
        assert href.startswith("https://lms.example.org/courses/") and 'target="_top"' in tag, tag
    assert "https://lms.example.org/courses/course-v1:ELSX+EXEC101+demo/jump_to_id/media-relations" in topic_links


def test_outside_the_lms_links_are_anchors_on_the_page(make_block):
    found = links(render(make_block("<elsx_progress/>", "learner-1")))
    assert "#elsx-topic-media-relations" in found and "target" not in found["#elsx-topic-media-relations"]
