"""Grid parameters from a request: filters, search, sort and paging, validated.

Unknown keys and values are refused with 400 naming the allowed values. The
one exception is a page number past the end, which is clamped to the last
page: the cohort can shrink between two requests, and an empty page helps
nobody.
"""
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from elsx.cohort import missing
from elsx.curriculum import get_curriculum
from elsx.errors import InvalidInput
from elsx.models import ROLE_CHOICES
from elsx.validation import clean_text, parse_int

ON_TRACK, BEHIND, INACTIVE, COMPLETED, CERTIFIED = "on_track", "behind", "inactive", "completed", "certified"
STATUSES = (ON_TRACK, BEHIND, INACTIVE, COMPLETED, CERTIFIED)
STATUS_LABELS = {ON_TRACK: gettext_lazy("On track"), BEHIND: gettext_lazy("Behind"),
                 INACTIVE: gettext_lazy("Inactive"), COMPLETED: gettext_lazy("Completed"),
                 CERTIFIED: gettext_lazy("Certified")}
PAGE_SIZES = (25, 50, 100)
SORT_KEYS = ("name", "agency", "status", "hours", "last_activity", "week", "behind", "certificate")
TOPIC_SORT_PREFIX = "topic:"
DIRECTIONS = ("asc", "desc")
SEARCH_MAX = 100
AGENCY_MAX = 200
FIELDS = ("status", "agency", "role", "not_completed", "engaged_under", "search", "sort", "dir", "page",
          "page_size", "missing")
ENGAGED_UNDER_MAX = 100 * 60  # minutes


@dataclass(frozen=True)
class GridParams:
    status: str = ""
    agency: str = ""
    role: str = ""
    not_completed: str = ""  # a topic id
    missing: str = ""  # a requirement key still to do (elsx.cohort.missing)
    engaged_under: int = 0  # minutes: completed with less engaged time than this (0: no filter)
    search: str = ""
    sort: str = "name"
    dir: str = "asc"
    page: int = 1
    page_size: int = 25

    def as_query(self):
        """Non-default values, for links (CSV downloads) that repeat this view."""
        defaults = GridParams()
        return {key: value for key, value in asdict(self).items() if value != getattr(defaults, key)}


def _choice(data, key, allowed, label):
    value = data.get(key, "")
    if value in ("", None):
        return ""
    if not isinstance(value, str) or value not in allowed:
        raise InvalidInput(_("Unknown {label} {value}. Allowed: {allowed}.").format(
            label=label, value=repr(value)[:60], allowed=", ".join(allowed)), field=key, allowed=list(allowed))
    return value


# Far past any real cohort; a larger page is clamped to the last one anyway.
MAX_PAGE = 10 ** 9


def _positive_int(data, key, default):
    return parse_int(data.get(key, default), key, key, 1, MAX_PAGE)


def role_codes():
    return tuple(code for code, _label in ROLE_CHOICES)


def sort_keys(curriculum=None):
    curriculum = curriculum or get_curriculum()
    return SORT_KEYS + tuple(TOPIC_SORT_PREFIX + topic_id for topic_id in curriculum.topic_ids())


def parse(data, curriculum=None):
    """GridParams from a JSON object or a query string dict, or InvalidInput."""
    curriculum = curriculum or get_curriculum()
    if not isinstance(data, dict):
        raise InvalidInput(_("The request body must be a JSON object."))
    unknown = sorted(str(key) for key in data if key not in FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown parameter(s): {names}. Allowed: {allowed}.").format(
            names=", ".join(unknown)[:200], allowed=", ".join(FIELDS)), allowed=list(FIELDS))
    page_size = _positive_int(data, "page_size", 25)
    if page_size not in PAGE_SIZES:
        raise InvalidInput(_("Unknown page size {value}. Allowed: {allowed}.").format(
            value=page_size, allowed=", ".join(str(size) for size in PAGE_SIZES)),
            field="page_size", allowed=list(PAGE_SIZES))
    return GridParams(
        status=_choice(data, "status", STATUSES, _("status")),
        agency=clean_text(data.get("agency"), "agency", _("Agency"), max_length=AGENCY_MAX, required=False),
        role=_choice(data, "role", role_codes(), _("role")),
        not_completed=_choice(data, "not_completed", tuple(curriculum.topic_ids()), _("topic")),
        missing=_choice(data, "missing", tuple(key for key, _label in missing.choices()), _("requirement")),
        engaged_under=(parse_int(data["engaged_under"], "engaged_under", _("Engaged minutes"), 0, ENGAGED_UNDER_MAX)
                       if data.get("engaged_under") not in (None, "") else 0),
        search=clean_text(data.get("search"), "search", _("Search"), max_length=SEARCH_MAX, required=False),
        sort=_choice(data, "sort", sort_keys(curriculum), _("sort key")) or "name",
        dir=_choice(data, "dir", DIRECTIONS, _("sort direction")) or "asc",
        page=_positive_int(data, "page", 1),
        page_size=page_size,
    )
