"""URLs mounted under /elsx/ in the LMS, Studio and the demo."""
app_name = "elsx"

urlpatterns = []
