"""Tutor plugin for elsx. Copy to "$(tutor plugins printroot)/elsx.py", then `tutor plugins enable elsx`.

Works with Tutor 21 (Ulmo, Python 3.11) and Tutor 22 (Verawood, Python 3.12); both build the openedx image
on ubuntu:22.04 (tutor/templates/build/openedx/Dockerfile) and install Python packages with `uv pip`.
See docs/platform.md for why each line is here.
"""
from tutor import hooks

hooks.Filters.ENV_PATCHES.add_items([
    # The "minimal" stage runs as root and the final image is built on it, so system libraries
    # installed here reach the running containers.
    # WeasyPrint needs Pango. HarfBuzz's subsetting library makes font embedding faster, but Ubuntu 22.04
    # (Tutor's base) has no libharfbuzz-subset0 package (WeasyPrint maintainers, Kozea/WeasyPrint#2713):
    # install it only where the distribution has it, so the build never aborts.
    ("openedx-dockerfile-minimal", """
RUN apt-get update \\
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \\
    && if apt-cache show libharfbuzz-subset0 >/dev/null 2>&1; then \\
           apt-get install -y --no-install-recommends libharfbuzz-subset0; \\
       else echo "libharfbuzz-subset0 not packaged here: WeasyPrint will subset fonts with fontTools"; fi \\
    && rm -rf /var/lib/apt/lists/*
"""),
    # Runs after the platform's requirements, before OPENEDX_EXTRA_PIP_REQUIREMENTS. The platform pins
    # tinycss2==1.4.0 for bleach[css] (<1.5), but the newest WeasyPrint needs 1.5 and `uv pip install elsx` would
    # upgrade it. So install the newest WeasyPrint that fits the tinycss2 already there (66 for 1.4.0); elsx's
    # weasyprint>=65 is then satisfied and uv leaves both alone (docs/platform.md).
    ("openedx-dockerfile-post-python-requirements", """
RUN --mount=type=cache,target=/openedx/.cache/pip,sharing=shared \\
    tinycss2=$(python -c "from importlib import metadata; print(metadata.version('tinycss2'))" 2>/dev/null || true) \\
    && $PIP_COMMAND install 'weasyprint>=65' ${tinycss2:+"tinycss2==$tinycss2"}
"""),
    ("openedx-common-settings", """
ELSX = {**globals().get("ELSX", {}),
    # Learner files: the private volume Tutor mounts in lms, cms and both workers, which uwsgi never serves.
    "STORAGE": "/openedx/media-private/elsx",
    "VERIFY_BASE_URL": "{% if ENABLE_HTTPS %}https{% else %}http{% endif %}://{{ LMS_HOST }}",
    "EXPORT_BACKGROUND": "celery",
    # Set these for your programme:
    # "PROVIDER_NAME": "State Leadership Academy",
    # "PROVIDER_CONTACT": "training@academy.example.org",
    # "SIGNATORY_NAME": "Jordan Ellis",
    # "SIGNATORY_TITLE": "Director of Training",
}
"""),
])

# Install the package itself with:
#   tutor config save --append OPENEDX_EXTRA_PIP_REQUIREMENTS="elsx==<version>"
# The WeasyPrint patch above keeps the platform's tinycss2; the renderer works with WeasyPrint 65 to 70.
