"""Test runtimes for the platform behaviours elsx depends on, each built from the platform's source.

Every class says which file it mirrors (openedx/openedx-platform, formerly openedx/edx-platform, and
openedx/XBlock). They wrap the real workbench runtime, replacing only the piece under test, so the
blocks run their real code.
"""
from types import SimpleNamespace

from xblock.reference.user_service import UserService, XBlockUser

from tests.conftest import call, render  # noqa: F401  (re-exported for the tests here)

# common/djangoapps/xblock_django/constants.py
ATTR_KEY_IS_AUTHENTICATED = "edx-platform.is_authenticated"
ATTR_KEY_USER_ID = "edx-platform.user_id"
ATTR_KEY_USERNAME = "edx-platform.username"
ATTR_KEY_USER_IS_STAFF = "edx-platform.user_is_staff"
ATTR_KEY_USER_IS_GLOBAL_STAFF = "edx-platform.user_is_global_staff"
ATTR_KEY_USER_ROLE = "edx-platform.user_role"


class DjangoUser(SimpleNamespace):
    """What the user service reads from a django.contrib.auth User (and the profile the LMS adds)."""

    def __init__(self, user_id, username=None, email=None, full_name="", **extra):
        super().__init__(id=user_id, username=username or f"user{user_id}",
                         email=email or f"user{user_id}@example.org", is_authenticated=True,
                         profile=SimpleNamespace(name=full_name), **extra)


class PlatformUserService(UserService):
    """common/djangoapps/xblock_django/user_service.py, DjangoXBlockUserService.

    The LMS builds it in lms/djangoapps/courseware/block_render.py (prepare_runtime_for_user) with
    user_is_staff = has_access(user, 'staff', course_id), the course-staff flag, and
    user_is_global_staff separately. Studio builds it in cms/djangoapps/contentstore/views/preview.py
    with neither: nobody is staff there.
    """

    def __init__(self, django_user, **kwargs):
        super().__init__()
        self._django_user = django_user
        self._user_is_global_staff = kwargs.get("user_is_global_staff", False)
        self._user_is_staff = kwargs.get("user_is_staff", False)
        self._user_role = kwargs.get("user_role", "student")

    def get_current_user(self):
        user = XBlockUser(is_current_user=True)
        django_user = self._django_user
        if django_user is not None and django_user.is_authenticated:
            user.full_name = django_user.profile.name
            user.emails = [django_user.email]
            user.opt_attrs[ATTR_KEY_IS_AUTHENTICATED] = True
            user.opt_attrs[ATTR_KEY_USER_ID] = django_user.id  # an int in the platform
            user.opt_attrs[ATTR_KEY_USERNAME] = django_user.username
            user.opt_attrs[ATTR_KEY_USER_IS_GLOBAL_STAFF] = self._user_is_global_staff
            user.opt_attrs[ATTR_KEY_USER_IS_STAFF] = self._user_is_staff
            user.opt_attrs[ATTR_KEY_USER_ROLE] = self._user_role
        else:
            user.opt_attrs[ATTR_KEY_IS_AUTHENTICATED] = False
        return user


def lms_block(make_block, xml, user, course_staff=False, global_staff=False):
    """A block as the LMS serves it to user (block_render.prepare_runtime_for_user)."""
    block = make_block(xml, str(user.id))
    block.runtime._services["user"] = PlatformUserService(  # pylint: disable=protected-access
        user, user_is_staff=course_staff, user_is_global_staff=global_staff,
        user_role="staff" if course_staff else "student")
    return block


def masquerading_block(make_block, xml, staff, learner):
    """Staff viewing as a specific learner: lms/djangoapps/courseware/masquerade.py, setup_masquerade,
    returns the learner's user with .real_user = the staff member, and block_render binds the block
    to it; has_access(learner, 'staff') is False, so the user service's staff flag is False too."""
    learner.real_user = staff
    learner.masquerade_settings = {}
    return lms_block(make_block, xml, learner, course_staff=False)


def studio_block(make_block, xml, user):
    """A block in Studio's preview: cms/djangoapps/contentstore/views/preview.py sets
    runtime.is_author_mode = True and a user service without any staff flag."""
    block = make_block(xml, str(user.id))
    block.runtime._services["user"] = PlatformUserService(user, user_role="instructor")  # pylint: disable=protected-access
    block.runtime.is_author_mode = True
    return block


class NoUserServices(dict):
    """The modulestore runtime the Blocks API collects with: no user is bound, so the user service
    is absent (lms/djangoapps/course_api/blocks/transformers/student_view.py iterates unbound blocks)."""


def collect(block):
    """What StudentViewTransformer.collect and GradesTransformer._collect_max_score do with a block
    (lms/djangoapps/course_api/blocks/transformers/student_view.py, lms/djangoapps/grades/transformer.py)."""
    block.runtime._services.pop("user", None)  # pylint: disable=protected-access
    student_view = getattr(block.__class__, "student_view", None)
    fields = {"student_view_multi_device": block.has_support(student_view, "multi_device")}
    if getattr(block, "student_view_data", None):
        fields["student_view_data"] = block.student_view_data()
    if getattr(block, "has_score", False):
        fields["max_score"] = block.max_score()
    return fields


class PlatformPublish:
    """runtime.publish as the LMS handles it: xmodule/services.py EventPublishingService sends "grade" to
    SCORE_PUBLISHED with only_if_higher, and the grades app keeps the earlier score when only_if_higher
    and it was higher (lms/djangoapps/grades/signals/handlers.py, score_published_handler, through
    set_score in lms/djangoapps/courseware/model_data.py); "completion" goes to BlockCompletion;
    anything else goes to the tracking log with the user context the platform adds."""

    def __init__(self):
        self.grades = {}       # (user id, usage id) -> (earned, possible)
        self.completions = []  # (user id, usage id, completion), every call
        self.tracking = []     # (event type, data)

    def __call__(self, runtime, block, event_type, data):
        key = (block.scope_ids.user_id, str(block.scope_ids.usage_id))
        if event_type == "grade":
            previous = self.grades.get(key)
            if data.get("only_if_higher") and previous and previous[0] >= data["value"]:
                return
            self.grades[key] = (data["value"], data["max_value"])
        elif event_type == "completion":
            self.completions.append(key + (data["completion"],))
        else:
            self.tracking.append((event_type, data))

    def install(self, monkeypatch):
        from workbench.runtime import WorkbenchRuntime
        publish = self
        monkeypatch.setattr(WorkbenchRuntime, "publish", lambda runtime, block, event_type, data:
                            publish(runtime, block, event_type, data))
        return self


def install_modulestore(monkeypatch, items):
    """xmodule.modulestore.django.modulestore() with get_items(course_key, qualifiers=...) as in
    xmodule/modulestore/split_mongo/split.py, and opaque_keys' CourseKey.from_string (edx-opaque-keys)."""
    import sys
    import types

    class Store:
        calls = []

        def get_items(self, course_key, qualifiers=None, **kwargs):
            self.calls.append((course_key, qualifiers))
            category = (qualifiers or {}).get("category")
            return [item for item in items if item.category == category]

    store = Store()
    django_module = types.ModuleType("xmodule.modulestore.django")
    django_module.modulestore = lambda: store
    keys = types.ModuleType("opaque_keys.edx.keys")
    keys.CourseKey = types.SimpleNamespace(from_string=lambda value: value)
    for name, module in (("xmodule", types.ModuleType("xmodule")),
                         ("xmodule.modulestore", types.ModuleType("xmodule.modulestore")),
                         ("xmodule.modulestore.django", django_module),
                         ("opaque_keys", types.ModuleType("opaque_keys")),
                         ("opaque_keys.edx", types.ModuleType("opaque_keys.edx")),
                         ("opaque_keys.edx.keys", keys)):
        monkeypatch.setitem(sys.modules, name, module)
    return store


def modulestore_topic(course_key, block_id, topic_id):
    return SimpleNamespace(category="elsx_topic", topic_id=topic_id,
                           location=f"block-v1:{course_key[len('course-v1:'):]}+type@elsx_topic+block@{block_id}")
