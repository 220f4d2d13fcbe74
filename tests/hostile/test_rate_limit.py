"""The verification rate limit: a sliding window, and an IPv6 client counted by its /64."""
import pytest
from django.core.cache import cache
from django.test import RequestFactory

from elsx.certificates import views

LIMIT = 5
# Just before a fixed one-minute boundary: the worst case for a fixed window.
BOUNDARY = 1_800_000_000 - 0.5  # divisible by 60 at the boundary


@pytest.fixture(autouse=True)
def limit(settings):
    settings.ELSX = {"VERIFY_RATE_LIMIT": LIMIT}
    cache.clear()
    yield
    cache.clear()


def request_from(address):
    return RequestFactory().get("/elsx/verify/x", REMOTE_ADDR=address)


def allowed(address, now):
    return not views.rate_limited(request_from(address), now=now)


def test_a_burst_across_a_minute_boundary_gets_the_limit_not_twice_it():
    assert (BOUNDARY + 0.5) % 60 == 0
    assert [allowed("203.0.113.9", BOUNDARY) for _ in range(LIMIT)] == [True] * LIMIT
    # One second later a fixed window has reset; the sliding window has not.
    assert [allowed("203.0.113.9", BOUNDARY + 1) for _ in range(LIMIT)] == [False] * LIMIT


def test_the_allowance_comes_back_once_the_window_has_passed():
    for _ in range(LIMIT):
        allowed("203.0.113.9", BOUNDARY)
    assert not allowed("203.0.113.9", BOUNDARY + 30)
    later = BOUNDARY + views.WINDOW_SECONDS + 2 * views.BUCKET_SECONDS
    assert allowed("203.0.113.9", later)


def test_no_sixty_seconds_ever_see_more_than_the_limit():
    # One request every 7 seconds for ten minutes: count what got through in every 60-second span.
    times = [BOUNDARY + 7 * step for step in range(90)]
    passed = [moment for moment in times if allowed("198.51.100.4", moment)]
    assert passed
    for start in passed:
        assert len([moment for moment in passed if start <= moment < start + 60]) <= LIMIT


def test_an_ipv6_client_cannot_rotate_addresses_within_its_64():
    results = [allowed(f"2001:db8:1234:5678::{index:x}", BOUNDARY) for index in range(1, LIMIT + 3)]
    assert results == [True] * LIMIT + [False] * 2
    assert allowed("2001:db8:1234:5679::1", BOUNDARY)  # the next /64 is someone else


@pytest.mark.parametrize("address, key", [
    ("203.0.113.9", "203.0.113.9"), ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
    ("2001:DB8:1:2::ffff", "2001:db8:1:2::/64"), ("::ffff:203.0.113.9", "203.0.113.9"),
    ("fe80::1%eth0", "fe80::/64"), ("not an address", "unknown"), ("", "unknown"),
])
def test_client_keys(address, key):
    assert views.client_key(address) == key


def test_x_forwarded_for_from_the_client_is_ignored():
    for index in range(LIMIT + 1):
        request = RequestFactory().get("/elsx/verify/x", REMOTE_ADDR="203.0.113.9",
                                       HTTP_X_FORWARDED_FOR=f"198.51.100.{index}")
        blocked = views.rate_limited(request, now=BOUNDARY)
    assert blocked
