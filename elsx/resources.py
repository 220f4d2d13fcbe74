"""Where the package's own files live, installed or in a source checkout."""
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT = PACKAGE_DIR.parent


def _locate(installed_name, checkout_name, env_var):
    override = os.environ.get(env_var)
    if override:
        return Path(override)
    installed = PACKAGE_DIR / installed_name
    if installed.is_dir():
        return installed
    # An editable install or a checkout: the top-level folder beside elsx/.
    return _CHECKOUT / checkout_name


def curriculum_dir():
    return _locate("curriculum_files", "modules", "ELSX_CURRICULUM_DIR")


def certificate_assets_dir():
    return _locate("certificate_files", "certificates", "ELSX_CERTIFICATE_DIR")
