"""Packaging for elsx: Open edX XBlocks and a Django app for the Executive Leadership Series."""
import os

from setuptools import setup

HERE = os.path.dirname(os.path.abspath(__file__))


def read_version():
    with open(os.path.join(HERE, "elsx", "__init__.py"), encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("__version__"):
                return line.split("=")[1].strip().strip("\"'")
    raise RuntimeError("no __version__ in elsx/__init__.py")


def find_packages_under(root, prefix):
    """Dotted names of every directory with an __init__.py below root."""
    found = []
    for dirpath, _dirs, files in os.walk(os.path.join(HERE, root)):
        if "__init__.py" in files and "__pycache__" not in dirpath:
            rel = os.path.relpath(dirpath, os.path.join(HERE, root))
            found.append(prefix if rel == "." else prefix + "." + rel.replace(os.sep, "."))
    return found


def data_files_under(root, exclude=(".py", ".pyc")):
    """Every non-Python file below root, relative to it (for package_data)."""
    names = []
    for dirpath, _dirs, files in os.walk(os.path.join(HERE, root)):
        for name in files:
            if not name.endswith(exclude):
                names.append(os.path.relpath(os.path.join(dirpath, name), os.path.join(HERE, root)))
    return names


BLOCKS = {
    "elsx_topic": "elsx.blocks.topic:TopicBlock",
    "elsx_progress": "elsx.blocks.progress:ProgressBlock",
    "elsx_certificate": "elsx.blocks.certificate:CertificateBlock",
    "elsx_cohort": "elsx.blocks.cohort:CohortBlock",
    "elsx_final": "elsx.blocks.final:FinalAssessmentBlock",
    "elsx_evaluation": "elsx.blocks.evaluation:EvaluationBlock",
    "elsx_readiness": "elsx.blocks.readiness:ReadinessBlock",
    "elsx_capstone": "elsx.blocks.capstone:CapstoneBlock",
}

setup(
    name="elsx",
    version=read_version(),
    description="Open edX XBlocks for the Executive Leadership Series on Missing & Exploited Children",
    long_description=open(os.path.join(HERE, "README.md"), encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="AGPL-3.0",
    python_requires=">=3.11",
    # modules/ and certificates/ ship inside the package, never as top-level
    # packages of their own in site-packages.
    packages=find_packages_under("elsx", "elsx") + ["elsx.curriculum_files", "elsx.certificate_files"],
    package_dir={"elsx.curriculum_files": "modules", "elsx.certificate_files": "certificates"},
    package_data={
        "elsx": data_files_under("elsx"),
        "elsx.curriculum_files": data_files_under("modules"),
        "elsx.certificate_files": data_files_under("certificates"),
    },
    install_requires=[
        # xblock-sdk alone pulls Django 6 on 3.12; Open edX Ulmo runs 5.2 LTS.
        "Django>=4.2,<6",
        "XBlock>=5.1",
        "lxml>=5",
        # 65 is the first with HarfBuzz font subsetting. Only 66 and older accept the platform's
        # tinycss2==1.4.0 pin (67+ need tinycss2>=1.5), so no newer lower bound: elsx.certificates.weasyprint_compat
        # speaks both URL-fetcher APIs (docs/platform.md, tests/test_packaging.py).
        "weasyprint>=65",
        "web-fragments>=2.2",
        "segno>=1.5",
        "celery>=5.3",
        # Signed Open Badges 3.0: JSON-LD canonicalization (RDFC-1.0) and Ed25519.
        "PyLD>=2.0.3",
        "cryptography>=41",
    ],
    extras_require={
        "test": [
            "pytest>=8",
            "pytest-django>=4.8",
            "hypothesis>=6.100",
            "pypdf>=4",
            # The 1EdTech OB 3.0 JSON Schema (Draft 2019-09, with date-time checks).
            "jsonschema>=4.18",
            "rfc3339-validator>=0.1.4",
            # Decodes the certificate's QR code in the tests (needs the libzbar0 Debian package).
            "pyzbar>=0.1.9",
            "redis>=5",
            "playwright>=1.45",
            "axe-playwright-python>=0.1.4",
            "build>=1.0",
            "wheel",
            "setuptools>=68",
            # tests/platform/test_plugin_app.py loads elsx through the LMS's real plugin framework.
            "edx-django-utils>=5",
        ],
        "mysql": ["mysqlclient>=2.2"],
        "dev": [
            "xblock-sdk>=0.12",
            # The workbench imports these without declaring them.
            "lazy>=1.6",
        ],
    },
    entry_points={
        "xblock.v1": [f"{name} = {path}" for name, path in BLOCKS.items()],
        "lms.djangoapp": ["elsx = elsx.apps:ElsxConfig"],
        "cms.djangoapp": ["elsx = elsx.apps:ElsxConfig"],
    },
    classifiers=[
        "Framework :: Django",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
    ],
)
