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


def jump_to_url(course_key, url_name):
    """A link to a block by url_name: the LMS's jump_to_id in Open edX, an anchor elsewhere."""
    if getattr(settings, "ROOT_URLCONF", "").startswith("lms"):
        return f"/courses/{course_key}/jump_to_id/{url_name}"
    return f"#elsx-topic-{url_name}"
