"""lms/urls.py's plugin line: urlpatterns.extend(get_plugin_url_patterns(ProjectType.LMS))."""
from edx_django_utils.plugins import get_plugin_url_patterns

urlpatterns = []
urlpatterns.extend(get_plugin_url_patterns("lms.djangoapp"))
