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


def in_studio():
    return getattr(settings, "ROOT_URLCONF", "").startswith("cms")


def can_author(block, learner):
    """Whether this user may change the block's authored content.

    Studio's user service need not mark course authors as staff, so there we
    ask Studio's own write-access check; in the LMS and the workbench, course
    staff may author.
    """
    if learner is None or learner.is_anonymous:
        return False
    if in_studio():
        try:
            from common.djangoapps.student.auth import has_studio_write_access  # pylint: disable=import-error
            from django.contrib.auth import get_user_model
            from opaque_keys.edx.keys import CourseKey  # pylint: disable=import-error
        except ImportError:
            return learner.is_staff
        user = get_user_model().objects.filter(pk=learner.id).first() if learner.id.isdigit() else None
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


def course_email_optouts(course_key, learner_ids):
    """The learner ids among learner_ids who opted out of this course's email.

    edx-platform records that as a bulk_email Optout row (user, course_id):
    lms/djangoapps/bulk_email/models.py, class Optout, unique_together (user, course_id).
    Outside the platform there is no record, so nobody has opted out.
    """
    try:
        from lms.djangoapps.bulk_email.models import Optout  # pylint: disable=import-error
        from opaque_keys.edx.keys import CourseKey  # pylint: disable=import-error
    except ImportError:
        return set()
    user_ids = [int(learner_id) for learner_id in learner_ids if str(learner_id).isdigit()]
    found = Optout.objects.filter(course_id=CourseKey.from_string(course_key), user_id__in=user_ids)
    return {str(user_id) for user_id in found.values_list("user_id", flat=True)}


def send_course_email(learner_id, address, subject, body, language):
    """Send one plain-text course email: through ACE in the LMS, else Django's email backend.

    ACE: edx_ace.ace.send with MessageType.personalize(recipient=Recipient(lms_user_id, email_address),
    language, user_context), as lms/djangoapps/verify_student/emails.py does; the message's templates are
    elsx/templates/elsx/edx_ace/elsxnudge/email/*, found as {app_label}/edx_ace/{name}/email/{part}
    (openedx/edx-ace docs/getting_started.rst).
    """
    if getattr(settings, "ROOT_URLCONF", "").startswith("lms"):
        try:
            from edx_ace import ace  # pylint: disable=import-error
            from edx_ace.message import MessageType  # pylint: disable=import-error
            from edx_ace.recipient import Recipient  # pylint: disable=import-error
        except ImportError:
            pass
        else:
            class ElsxNudge(MessageType):  # pylint: disable=too-few-public-methods
                NAME = "elsxnudge"
                APP_LABEL = "elsx"
            message = ElsxNudge().personalize(
                recipient=Recipient(lms_user_id=int(learner_id) if str(learner_id).isdigit() else None,
                                    email_address=address),
                language=language, user_context={"subject": subject, "body": body})
            ace.send(message)
            return
    from django.core.mail import EmailMessage  # pylint: disable=import-outside-toplevel
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[address]).send()
