"""A user service for the workbench demo that knows who is staff.

The workbench identifies users by ?student=<id> and its own user service says
nobody is staff. This one marks the ids in settings.ELSX_DEMO_STAFF_IDS as
staff (default: "instructor"), and names seeded learners from their profiles.
"""
from django.conf import settings
from xblock.reference.user_service import UserService, XBlockUser

from elsx import conf
from elsx.compat import ATTR_IS_AUTHENTICATED, ATTR_IS_STAFF, ATTR_USER_ID, ATTR_USERNAME


class DemoUserService(UserService):
    runtime = None  # set by the workbench after construction

    def get_current_user(self):
        user_id = str(getattr(self.runtime, "user_id", None) or "")
        anonymous = user_id in ("", "none")
        staff_ids = getattr(settings, "ELSX_DEMO_STAFF_IDS", {"instructor"})
        full_name, email = self._directory(user_id)
        user = XBlockUser(is_current_user=True, emails=[email] if email else [], full_name=full_name)
        user.opt_attrs.update({
            ATTR_USER_ID: None if anonymous else user_id,
            ATTR_USERNAME: "" if anonymous else user_id,
            ATTR_IS_STAFF: (not anonymous) and user_id in staff_ids,
            ATTR_IS_AUTHENTICATED: not anonymous,
        })
        return user

    @staticmethod
    def _directory(user_id):
        from elsx.models import LearnerProfile  # Django models load after the service class
        profile = (LearnerProfile.objects.filter(course_key=conf.get("DEMO_COURSE_KEY"), learner_id=user_id)
                   .only("full_name", "email").first())
        if profile and profile.full_name:
            return profile.full_name, profile.email
        readable = user_id.replace("_", " ").title() if user_id else ""
        return readable, f"{user_id}@example.org" if user_id else ""
