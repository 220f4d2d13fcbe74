"""The workbench's URLs plus elsx's own (verification, downloads) under /elsx/.

/media/ is served from MEDIA_ROOT as Tutor's uwsgi does (static-map /media=/openedx/media/ in
tutor/templates/build/openedx/settings/uwsgi.ini), so the demo shows what a real deployment
would hand out to anyone: elsx keeps learner files elsewhere (elsx.storage).
"""
from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve
from workbench.urls import urlpatterns as workbench_urlpatterns



def media(request, path):  # MEDIA_ROOT read per request: tests point it at a temporary folder
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    path("elsx/", include("elsx.urls")),
    re_path(r"^media/(?P<path>.*)$", media),
] + list(workbench_urlpatterns)
