"""Reflection minimums in words (COMMISSION on): 150 by default, 400 for the capstone, with a live counter."""
import pytest

from elsx import reflection
from elsx.models import TopicProgress
from tests.conftest import call, render

TOPIC = '<elsx_topic topic_id="media-relations"/>'
CAPSTONE = '<elsx_topic topic_id="community-action-planning"/>'


@pytest.fixture
def commission(settings):
    settings.ELSX = {"COMMISSION": True}


def words(n):
    return " ".join(f"word{i}" for i in range(n))


def test_off_by_default_keeps_the_character_rule(db):
    assert reflection.min_words("media-relations") == 0


def test_minimums_and_overrides(commission, settings):
    assert reflection.min_words("media-relations") == 150
    assert reflection.min_words("community-action-planning") == 400
    settings.ELSX = {"COMMISSION": True, "REFLECTION_MIN_WORDS": 50, "REFLECTION_MIN_WORDS_BY_TOPIC": {}}
    assert reflection.min_words("community-action-planning") == 50


@pytest.mark.parametrize("xml,needed", [(TOPIC, 150), (CAPSTONE, 400)])
def test_short_reflection_is_400_with_the_count_and_stores_nothing(make_block, commission, xml, needed):
    block = make_block(xml, "learner-1")
    status, body = call(block, "save_reflection", {"text": words(needed - 1)})
    assert status == 400 and body["field"] == "reflection"
    assert body["min_words"] == needed and body["words"] == needed - 1
    assert not TopicProgress.objects.filter(reflection__gt="").exists()
    status, _body = call(block, "save_reflection", {"text": words(needed)})
    assert status == 200


def test_topic_shows_a_polite_live_word_counter(make_block, commission):
    html = render(make_block(TOPIC, "learner-1"))
    assert 'data-min-words="150"' in html and 'data-region="word-count" aria-live="polite"' in html
    assert "0 of at least 150 words" in html and "__N__ of at least 150 words" in html
