"""Django templates for the blocks and views, autoescaped, from elsx/templates."""
from functools import lru_cache

from django.template import Context, Engine

from elsx.resources import PACKAGE_DIR


@lru_cache(maxsize=1)
def engine():
    # Our own engine, so rendering doesn't depend on the host's TEMPLATES setting.
    return Engine(
        dirs=[str(PACKAGE_DIR / "templates")],
        builtins=["django.templatetags.i18n", "elsx.templatetags.elsx_tags"],
        libraries={"elsx_tags": "elsx.templatetags.elsx_tags"},
        autoescape=True,
    )


def render(name, context=None):
    return engine().get_template(name).render(Context(context or {}))


def static_text(relative):
    """The text of a file under elsx/static (inlined into fragments)."""
    return (PACKAGE_DIR / "static" / relative).read_text(encoding="utf-8")
