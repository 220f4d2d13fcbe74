"""Everything elsx needs from edx-platform, imported lazily, with workbench fallbacks.

Nothing else in the package imports from edx-platform, so the blocks, the API
and the tests all run without it.
"""
import logging

from django.conf import settings

from elsx import conf
from elsx.learners import Learner

log = logging.getLogger(__name__)

ATTR_USER_ID = "edx-platform.user_id"
ATTR_USERNAME = "edx-platform.username"
ATTR_IS_STAFF = "edx-platform.user_is_staff"
ATTR_IS_AUTHENTICATED = "edx-platform.is_authenticated"


def learner_from_runtime(block):
    """The current user as the runtime's user service reports them; not staff unless it says so."""
    service = block.runtime.service(block, "user")
    user = service.get_current_user() if service is not None else None
    attrs = getattr(user, "opt_attrs", None) or {}
    learner_id = attrs.get(ATTR_USER_ID)
    if learner_id is None:
        learner_id = block.scope_ids.user_id
    is_authenticated = bool(attrs.get(ATTR_IS_AUTHENTICATED, learner_id is not None))
    emails = getattr(user, "emails", None) or []
    return Learner(
        id="" if learner_id is None else str(learner_id),
        full_name=(getattr(user, "full_name", "") or "").strip(),
        email=emails[0] if emails else "",
        username=attrs.get(ATTR_USERNAME, "") or "",
        is_staff=bool(attrs.get(ATTR_IS_STAFF, False)),
        is_authenticated=is_authenticated,
    )


def course_key_for(block):
    """The course this block belongs to, as a string."""
    usage_id = block.scope_ids.usage_id
    context_key = getattr(usage_id, "context_key", None) or getattr(usage_id, "course_key", None)
    if context_key is not None:
        return str(context_key)
    course_id = getattr(block.runtime, "course_id", None)
    if course_id:
        return str(course_id)
    return conf.get("DEMO_COURSE_KEY")


def lms_root_url():
    return getattr(settings, "LMS_ROOT_URL", "") or ""


def topic_locations(course_key):
    """{topic_id: usage key} of the course's elsx_topic blocks, from the modulestore; {} outside the platform.

    A topic added in Studio gets a random block id, not its topic id, so jump_to_id/<topic_id> would miss it.
    xmodule/modulestore/split_mongo/split.py get_items(course_key, qualifiers={"category": ...}).
    """
    try:
        from opaque_keys.edx.keys import CourseKey  # pylint: disable=import-error
        from xmodule.modulestore.django import modulestore  # pylint: disable=import-error
    except ImportError:
        return {}
    try:
        items = modulestore().get_items(CourseKey.from_string(str(course_key)), qualifiers={"category": "elsx_topic"})
    except Exception:  # pylint: disable=broad-except  # a link is not worth a broken page
        log.warning("elsx: could not look up the course's topic blocks", exc_info=True)
        return {}
    found = {}
    for item in items:
        found.setdefault(getattr(item, "topic_id", ""), str(item.location))
    return found


def topic_urls(course_key, topic_ids):
    """Links to topics. In the LMS: absolute (LMS root) jump_to/<usage key> links, opened with
    target="_top", because the Learning MFE renders each unit in an iframe and a relative link
    would open the MFE inside it (lms/urls.py: courses/<course>/jump_to/<location>).
    Elsewhere: anchors on the page."""
    if not in_lms():
        return {topic_id: f"#elsx-topic-{topic_id}" for topic_id in topic_ids}
    locations = topic_locations(course_key)
    root = lms_root_url().rstrip("/")
    # Without a block for it, the OLX export's url_name (= topic id) is the best guess.
    return {topic_id: (f"{root}/courses/{course_key}/jump_to/{locations[topic_id]}" if topic_id in locations
                       else f"{root}/courses/{course_key}/jump_to_id/{topic_id}") for topic_id in topic_ids}


def jump_to_url(course_key, topic_id):
    """One topic's link (see topic_urls; for many topics, call that once instead)."""
    return topic_urls(course_key, [topic_id])[topic_id]


def link_target():
    """target for links out of a unit: the whole window in the LMS (the MFE's iframe), none elsewhere."""
    return "_top" if in_lms() else ""


def in_studio():
    return getattr(settings, "ROOT_URLCONF", "").startswith("cms")


def in_lms():
    return getattr(settings, "ROOT_URLCONF", "").startswith("lms")


def is_author_mode(block):
    """Studio's preview (student_view or author_view in the unit page): nothing may be recorded.

    cms/djangoapps/contentstore/views/preview.py sets runtime.is_author_mode = True, and its user
    service is built without user_is_staff, so nobody there looks like course staff.
    """
    return bool(getattr(block.runtime, "is_author_mode", False)) or in_studio()


def _django_user(block):
    service = block.runtime.service(block, "user")
    # lms/djangoapps/courseware/block_render.py reads the same attribute to see whom the runtime serves.
    return getattr(service, "_django_user", None)


def is_masquerading(block):
    """Whether course staff are viewing this block as someone else ("View this course as").

    lms/djangoapps/courseware/masquerade.py, setup_masquerade: as a specific learner, the runtime is
    bound to the learner's user with .real_user set to the staff member; as a generic "Learner", it is
    the staff member's own user with a 'student' masquerade role.
    """
    user = _django_user(block)
    if user is None:
        return False
    real = getattr(user, "real_user", None)
    if real is not None and getattr(real, "id", None) != getattr(user, "id", None):
        return True
    try:
        from lms.djangoapps.courseware.masquerade import is_masquerading_as_student  # pylint: disable=import-error
        from opaque_keys.edx.keys import CourseKey  # pylint: disable=import-error
    except ImportError:
        return False
    try:
        return bool(is_masquerading_as_student(user, CourseKey.from_string(course_key_for(block))))
    except Exception:  # pylint: disable=broad-except  # an odd key must not break the view
        return False


def can_author(block, learner):
    """Whether this user may change the block's authored content.

    Never in the LMS: LmsFieldData makes Scope.content and Scope.settings read-only there
    (lms/djangoapps/lms_xblock/field_data.py), so a save would raise. In Studio, its user service
    carries no staff flag, so we ask Studio's own write-access check. The workbench stands in for
    Studio: course staff may author.
    """
    if learner is None or learner.is_anonymous or in_lms():
        return False
    if in_studio():
        try:
            from common.djangoapps.student.auth import has_studio_write_access  # pylint: disable=import-error
            from django.contrib.auth import get_user_model
            from opaque_keys.edx.keys import CourseKey  # pylint: disable=import-error
        except ImportError:
            return learner.is_staff
        from elsx.errors import InvalidInput  # pylint: disable=import-outside-toplevel
        from elsx.validation import parse_int  # pylint: disable=import-outside-toplevel
        try:
            user_id = parse_int(learner.id, "user", "user", 1, 10 ** 12 - 1)
        except InvalidInput:  # an anonymous or non-numeric runtime id
            return False
        user = get_user_model().objects.filter(pk=user_id).first()
        return bool(user) and has_studio_write_access(user, CourseKey.from_string(course_key_for(block)))
    return learner.is_staff


def retirement_signals():
    """The LMS signals sent when a learner is retired; none outside edx-platform."""
    try:
        from openedx.core.djangoapps.user_api.accounts.signals import (  # pylint: disable=import-error
            USER_RETIRE_LMS_CRITICAL,
            USER_RETIRE_LMS_MISC,
        )
    except ImportError:
        return []
    return [USER_RETIRE_LMS_CRITICAL, USER_RETIRE_LMS_MISC]


def learner_id_for_user(user):
    """The learner id elsx stores for a Django user, as learner_from_runtime derives it."""
    return str(user.id)


def emit_tracking_event(name, data):
    """Send an event to the platform's tracking log (eventtracking's tracker, as platform code does);
    outside the platform, to elsx's log (ids and numbers only)."""
    try:
        from eventtracking import tracker  # pylint: disable=import-error
    except ImportError:
        log.info("elsx: event %s %s", name, data)
        return
    tracker.emit(name, data)
