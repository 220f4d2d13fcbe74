"""The workbench's URLs plus elsx's own (verification, downloads) under /elsx/."""
from django.urls import include, path
from workbench.urls import urlpatterns as workbench_urlpatterns

urlpatterns = [path("elsx/", include("elsx.urls"))] + list(workbench_urlpatterns)
