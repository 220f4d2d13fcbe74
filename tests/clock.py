"""A fake clock for fixtures: every timezone.now() call returns a later, distinct moment."""
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

from django.utils import timezone


class FakeClock:
    def __init__(self, start, step=timedelta(seconds=1)):
        self.current, self.step = start, step

    def now(self):
        value = self.current
        self.current += self.step
        return value

    def set(self, moment):
        self.current = moment


@contextmanager
def fake_clock(start, step=timedelta(seconds=1)):
    """Patch django.utils.timezone.now (what elsx and Django's auto_now read) for the block."""
    clock = FakeClock(start, step)
    with mock.patch.object(timezone, "now", clock.now):
        yield clock
