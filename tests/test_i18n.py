"""Interface strings are translatable, the Spanish (es_419) catalog is complete, and the .mo matches the .po.

The course content (titles, readings, questions) stays English: authors translate it in Studio.
"""
import ast
import gettext as pygettext
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

from elsx.curriculum import get_curriculum
from tests.conftest import call, render

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "elsx" / "locale" / "es_419" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")
SPANISH = "es-419"

COURSE_XML = "<vertical_demo><elsx_progress/>" + "".join(
    f'<elsx_topic topic_id="{t.id}"/>' for t in get_curriculum().topics) + "</vertical_demo>"


# --- a small .po reader (no polib here) -----------------------------------

def _unquote(text):
    return ast.literal_eval(text)  # a PO string is a C string; these are plain ASCII escapes and UTF-8


def read_po(path):
    """[{'msgid', 'msgid_plural', 'msgstr': [..], 'flags': set()}] without the header."""
    entries, current, key = [], None, None
    for raw in Path(path).read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if current is not None:
                entries.append(current)
            current, key = None, None
            continue
        if current is None:
            current = {"msgid": "", "msgid_plural": None, "msgstr": {}, "flags": set(), "obsolete": False}
        if line.startswith("#~"):
            current["obsolete"] = True
        elif line.startswith("#,"):
            current["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = _unquote(line)
            if isinstance(key, tuple):
                current["msgstr"][key[1]] += value
            else:
                current[key] += value
        else:
            word, _space, rest = line.partition(" ")
            match = re.fullmatch(r"msgstr\[(\d+)\]", word)
            if match:
                key = ("msgstr", int(match.group(1)))
                current["msgstr"][key[1]] = _unquote(rest)
            elif word == "msgstr":
                key = ("msgstr", 0)
                current["msgstr"][0] = _unquote(rest)
            elif word in ("msgid", "msgid_plural"):
                key = word
                current[word] = _unquote(rest)
    return [entry for entry in entries if entry["msgid"] and not entry["obsolete"]]


def placeholders(text):
    """Printf-style %(name)s and brace {name} placeholders, and %% escapes."""
    named = re.findall(r"%\((\w+)\)[sd]", text)
    braces = re.findall(r"\{(\w*)\}", text)
    return sorted(named), sorted(braces), text.count("%%")


# --- rendering in Spanish --------------------------------------------------

@pytest.fixture
def course(make_block):
    root = make_block(COURSE_XML, "learner-1")
    runtime = root.runtime
    return runtime.get_block(root.children[0]), [runtime.get_block(child) for child in root.children[1:]]


def test_topic_renders_in_spanish_with_english_content(course):
    _progress, topics = course
    topic_block = topics[0]
    with translation.override(SPANISH):
        fragment = topic_block.runtime.render(topic_block, "student_view")
    html = fragment.body_html()
    questions = len(topic_block.topic().questions)
    for spanish in ("Objetivos de aprendizaje", "Lecturas", "Evaluación de conocimientos",
                    f"Responda las {questions} preguntas. Necesita un 80% para aprobar",
                    "Enviar respuestas", "Su reflexión", "Guardar reflexión", "Para completar este tema",
                    "Leer todas las secciones (0 de", "Sin comenzar", "Semana 1 · Tema 1",
                    "Se produjo un error. Vuelva a intentarlo."):
        assert spanish in html, spanish
    for english in ("Learning objectives", "Submit answers", "Save reflection", "Not started"):
        assert english not in html, english
    # Content is the author's, in English.
    assert topic_block.topic().title in html
    # The section states topic.js switches between are rendered, translated, by the server.
    for state in ("Sin leer", "Leyendo", "Leída"):
        assert state in html, state


def test_progress_block_renders_in_spanish(course):
    progress_block, _topics = course
    with translation.override(SPANISH):
        html = render(progress_block)
    assert "Su progreso" in html
    assert "0.0 de 11.0 horas de crédito obtenidas" in html
    assert "0 de 10 temas completados" in html
    assert html.count("Sin comenzar") == 10
    assert "Semana 1:" in html and "Siguiente:" in html and "Lo que falta" in html
    assert "credit hours earned" not in html


def test_english_stays_the_default(course):
    progress_block, _topics = course
    with translation.override("en"):
        html = render(progress_block)
    assert "Your progress" in html and "Su progreso" not in html


def test_handler_errors_and_handler_html_in_spanish(course):
    _progress, topics = course
    block = topics[0]
    with translation.override(SPANISH):
        status, body = call(block, "submit_check", {"wrong": 1})
        assert status == 400 and body["error"] == "Campos desconocidos: wrong. Campos permitidos: answers."
        section = block.topic().sections[0].id
        status, body = call(block, "view_section", {"section": section})
    assert status == 200
    assert "En curso" in body["status_html"]
    assert "Leer todas las secciones (1 de" in body["checklist_html"]


def test_lazy_labels_follow_the_active_language():
    from elsx.blocks.certificate import CertificateBlock
    from elsx.blocks.cohort import CohortBlock
    from elsx.blocks.topic import TopicBlock
    from elsx.models import ROLE_CHOICES, Certificate
    with translation.override(SPANISH):
        assert str(TopicBlock.fields["pass_mark"].display_name) == "Nota mínima para aprobar (%)"
        assert str(CertificateBlock.fields["display_name"].display_name) == "Nombre visible"
        assert str(CohortBlock.fields["cohort_start"].display_name) == "Fecha de inicio de la cohorte"
        assert str(dict(ROLE_CHOICES)["psap"]) == "PSAP / comunicaciones de emergencia"
        assert Certificate(status=Certificate.STATUS_REVOKED).get_status_display() == "Revocado"
    with translation.override("en"):
        assert str(TopicBlock.fields["pass_mark"].display_name) == "Pass mark (%)"


def test_studio_editor_gets_its_javascript_strings_from_the_server(make_block):
    block = make_block('<elsx_topic topic_id="media-relations"/>', "instructor")
    with translation.override(SPANISH):
        fragment = block.studio_view()
    assert fragment.js_init_fn == "ElsxTopicStudio"
    args = fragment.json_init_args
    assert args["text"]["saving"] == "Guardando"
    assert args["text"]["offline"].startswith("No se pudo guardar el tema.")
    json.dumps(args)  # plain strings, not lazy objects


# --- the catalogs ------------------------------------------------------------

@pytest.mark.parametrize("domain", DOMAINS)
def test_catalog_is_complete_with_no_fuzzy_entries(domain):
    entries = read_po(LOCALE / f"{domain}.po")
    assert entries, "empty catalog"
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values()) or not e["msgstr"]
                    or (e["msgid_plural"] is not None and len(e["msgstr"]) < 2)]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []
    header = (LOCALE / f"{domain}.po").read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "#, fuzzy" not in header
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header


@pytest.mark.parametrize("domain", DOMAINS)
def test_translations_keep_every_placeholder(domain):
    problems = []
    for entry in read_po(LOCALE / f"{domain}.po"):
        sources = [entry["msgid"]] + ([entry["msgid_plural"]] if entry["msgid_plural"] else [])
        for index, translated in entry["msgstr"].items():
            source = sources[min(index, len(sources) - 1)]
            if placeholders(source) != placeholders(translated):
                problems.append((source, translated))
    assert problems == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize("domain", DOMAINS)
def test_msgfmt_reports_zero_untranslated_and_zero_fuzzy(domain, tmp_path):
    result = subprocess.run(["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "out.mo"),
                             str(LOCALE / f"{domain}.po")], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+ translated messages?\.\n", result.stderr), result.stderr


@pytest.mark.parametrize("domain", DOMAINS)
def test_compiled_mo_matches_the_po(domain):
    """`make compile-messages` was run after the last .po change: the .mo holds exactly the .po."""
    with open(LOCALE / f"{domain}.mo", "rb") as handle:
        catalog = pygettext.GNUTranslations(handle)._catalog  # pylint: disable=protected-access
    expected = {}
    for entry in read_po(LOCALE / f"{domain}.po"):
        if entry["msgid_plural"] is None:
            expected[entry["msgid"]] = entry["msgstr"][0]
        else:
            for index, text in entry["msgstr"].items():
                expected[(entry["msgid"], index)] = text
    compiled = {key: value for key, value in catalog.items() if key != ""}
    assert compiled == expected


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext's xgettext is not installed")
def test_catalog_holds_every_string_in_the_code(tmp_path):
    """Extract afresh (as `make messages` does) from a copy of the code and compare msgids."""
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "fonts", "*.woff2", "*.ttf", "*.otf")
    shutil.copytree(ROOT / "elsx", tmp_path / "elsx", ignore=skip)
    shutil.copytree(ROOT / "certificates", tmp_path / "certificates", ignore=skip)
    script = ("import django; django.setup(); from django.conf import settings; "
              "from django.core.management import call_command; settings.LOCALE_PATHS = ['elsx/locale']; "
              "skip = ['demo']; "
              "call_command('makemessages', locale=['es_419'], extensions=['html', 'py', 'txt'], "
              "ignore_patterns=skip, verbosity=0); "
              "call_command('makemessages', locale=['es_419'], domain='djangojs', ignore_patterns=skip, verbosity=0)")
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="elsx.demo.settings", ELSX_VAR=str(tmp_path / "var"),
               PYTHONPATH=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    for domain in DOMAINS:
        fresh = {(e["msgid"], e["msgid_plural"])
                 for e in read_po(tmp_path / "elsx" / "locale" / "es_419" / "LC_MESSAGES" / f"{domain}.po")}
        committed = {(e["msgid"], e["msgid_plural"]) for e in read_po(LOCALE / f"{domain}.po")}
        assert sorted(fresh - committed, key=str) == [], f"{domain}: strings not in the catalog; run make messages"
        assert sorted(committed - fresh, key=str) == [], f"{domain}: stale strings; run make messages"


def test_javascript_has_no_hard_coded_english():
    """Every English literal in our JS is a gettext() fallback; the blocks pass translated text in args."""
    literal = re.compile(r'"([A-Z][a-z]+(?:[ ,.][^"]*)?)"')
    found = []
    for path in sorted((ROOT / "elsx" / "static" / "js").glob("*.js")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip().startswith(("/*", "*", "//")):
                continue
            for match in literal.finditer(line):
                before = line[:match.start()]
                if before.rstrip().endswith("gettext("):
                    continue
                if match.group(1) in ("Content-Type", "X-CSRFToken", "POST", "Enter"):  # "Enter": a key name
                    continue
                found.append(f"{path.name}:{number}: {match.group(0)}")
    assert found == []
