"""The Blocks API: student_view_data and max_score are collected once per course, with no user.

Mirrors lms/djangoapps/course_api/blocks/transformers/student_view.py (StudentViewTransformer.collect)
and lms/djangoapps/grades/transformer.py (_collect_max_score).
"""
import json

import pytest

from elsx.models import LearnerProfile, TopicProgress
from tests.conftest import complete_topic
from tests.platform.runtimes import call, collect

pytestmark = pytest.mark.django_db
BLOCKS = ('<elsx_topic topic_id="media-relations"/>', "<elsx_progress/>", "<elsx_certificate/>", "<elsx_cohort/>")


@pytest.mark.parametrize("xml", BLOCKS)
def test_every_block_is_multi_device_and_collects_without_a_user(make_block, xml):
    fields = collect(make_block(xml, "learner-1"))
    assert fields["student_view_multi_device"] is True
    json.dumps(fields)  # cacheable
    assert not LearnerProfile.objects.exists() and not TopicProgress.objects.exists()


def test_collected_data_is_the_same_whoever_has_progress(make_block):
    complete_topic(make_block('<elsx_topic topic_id="media-relations"/>', "learner-1"))
    for xml in BLOCKS[:3]:
        assert collect(make_block(xml, "learner-1")) == collect(make_block(xml, "learner-2")), xml


def test_no_learner_state_in_collected_topic_data(make_block):
    data = collect(make_block('<elsx_topic topic_id="media-relations"/>', "learner-1"))["student_view_data"]
    assert "state" not in data and data["state_handler"] == "learner_state"


def test_an_unknown_topic_or_a_broken_max_score_does_not_raise(make_block, monkeypatch):
    fields = collect(make_block('<elsx_topic topic_id="no-such-topic"/>', "learner-1"))
    assert fields["student_view_data"] == {"topic_id": "no-such-topic", "error": "unknown_topic"}
    assert fields["max_score"] is None
    from elsx.blocks import topic
    monkeypatch.setattr(topic.TopicBlock, "topic", lambda self: 1 / 0)
    fields = collect(make_block('<elsx_topic topic_id="media-relations"/>', "learner-1"))
    assert fields["max_score"] is None and fields["student_view_data"] == {"error": "unavailable"}


def test_the_learners_state_comes_from_the_handler(make_block):
    block = make_block('<elsx_topic topic_id="media-relations"/>', "learner-1")
    complete_topic(block)
    status, state = call(block, "learner_state", method="GET")
    assert status == 200 and state["completed"] is True
    status, state = call(make_block("<elsx_progress/>", "learner-1"), "learner_state", method="GET")
    assert status == 200 and state["topics_completed"] == 1
