"""The workbench's URLs plus elsx's own (verification, downloads) under /elsx/.

/media/ is served from MEDIA_ROOT as Tutor's uwsgi does (static-map /media=/openedx/media/ in
tutor/templates/build/openedx/settings/uwsgi.ini), so the demo shows what a real deployment
would hand out to anyone: elsx keeps learner files elsewhere (elsx.storage).
"""
import functools
import threading

from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve
from workbench import scenarios as workbench_scenarios
from workbench import views as workbench_views
from workbench.urls import urlpatterns as workbench_urlpatterns


def _one_loader(get_scenarios, lock=threading.Lock()):
    """The workbench loads its scenarios on the first request, without a lock: a second request during
    those seconds sees a half-filled list and answers 404. Requests wait for the first load instead."""
    @functools.wraps(get_scenarios)
    def locked():
        with lock:
            return get_scenarios()
    locked.elsx_locked = True
    return locked


if not getattr(workbench_views.get_scenarios, "elsx_locked", False):
    workbench_views.get_scenarios = _one_loader(workbench_scenarios.get_scenarios)



def media(request, path):  # MEDIA_ROOT read per request: tests point it at a temporary folder
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    path("elsx/", include("elsx.urls")),
    re_path(r"^media/(?P<path>.*)$", media),
] + list(workbench_urlpatterns)
