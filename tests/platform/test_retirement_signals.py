"""Retirement through the platform's signals.

Mirrors openedx/core/djangoapps/user_api/accounts/signals.py (USER_RETIRE_LMS_CRITICAL and
USER_RETIRE_LMS_MISC, plain Signals) and the retirement view in openedx/core/djangoapps/user_api/accounts/
views.py, which sends them with user=<the Django user> (and, lately, retired_username/retired_email).
"""
import sys
import types

import pytest
from django.dispatch import Signal

from elsx import compat, retirement
from elsx.models import LearnerProfile, TopicProgress
from tests.conftest import complete_topic
from tests.platform.runtimes import DjangoUser

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform_signals(monkeypatch):
    module = types.ModuleType("openedx.core.djangoapps.user_api.accounts.signals")
    module.USER_RETIRE_LMS_CRITICAL, module.USER_RETIRE_LMS_MISC = Signal(), Signal()
    for name in ("openedx", "openedx.core", "openedx.core.djangoapps", "openedx.core.djangoapps.user_api",
                 "openedx.core.djangoapps.user_api.accounts"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return module


def test_compat_finds_both_signals_and_the_app_connects_to_them(platform_signals):
    assert compat.retirement_signals() == [platform_signals.USER_RETIRE_LMS_CRITICAL,
                                           platform_signals.USER_RETIRE_LMS_MISC]
    assert retirement.connect_signals() == 2


def test_the_signal_as_the_platform_sends_it_retires_the_learner(platform_signals, make_block):
    complete_topic(make_block('<elsx_topic topic_id="vulnerable-populations"/>', "42"))
    retirement.connect_signals()
    user = DjangoUser(42, "jdoe")
    platform_signals.USER_RETIRE_LMS_CRITICAL.send(sender=object, user=user, retired_username="retired__user_x",
                                                   retired_email="retired__user_x@retired.invalid")
    assert LearnerProfile.objects.get(learner_id="42").retired_at is not None
    assert TopicProgress.objects.get(learner_id="42").reflection == ""
    platform_signals.USER_RETIRE_LMS_MISC.send(sender=object, user=user)  # the second signal is harmless
