"""Inventory: no request-handling code parses a number except through elsx.validation.

The AST of every elsx module is searched for int(), float(), Decimal() and the
str.isdigit() family. The parser module may use them; every other use must be
listed below as (module, function) with why it is not a request number, so a
new handler that reads a number its own way fails this test.
"""
import ast
from pathlib import Path

import elsx

ROOT = Path(elsx.__file__).resolve().parent
PARSER = "elsx/validation.py"
CONVERSIONS = {"int", "float", "Decimal"}
DIGIT_CHECKS = {"isdigit", "isnumeric", "isdecimal"}
# (module, enclosing function) -> why this conversion is not of request data.
NOT_REQUEST_NUMBERS = {
    ("elsx/authoring.py", "apply_overrides"): "a constant fallback",
    ("elsx/blocks/progress.py", "_context"): "a percentage of stored Decimals",
    ("elsx/blocks/progress.py", "student_view_data"): "stored Decimals to JSON",
    ("elsx/blocks/progress.py", "learner_state"): "stored Decimals to JSON",
    ("elsx/blocks/certificate.py", "student_view_data"): "curriculum hours to JSON",
    ("elsx/events.py", "_clean"): "event data from our own code to JSON",
    ("elsx/blocks/topic.py", "student_view_data"): "curriculum hours to JSON",
    ("elsx/certificates/api.py", "_new_snapshot"): "the learner's stored hours",
    ("elsx/certificates/api.py", "public_record"): "stored hours to JSON",
    ("elsx/certificates/openbadges.py", "_hours"): "stored hours to JSON",
    ("elsx/certificates/views.py", "rate_limited"): "a setting and the clock",
    ("elsx/certificates/views.py", "status_list"): "a setting (the status list's max-age)",
    ("elsx/certificates/glyphs.py", "_ranges"): "unicode-range in the bundled fonts.css",
    ("elsx/credentials/keys.py", "parse"): "the keyring from settings or its file",
    ("elsx/cohort/seed.py", "*"): "demo data from a seeded random generator",
    ("elsx/management/commands/elsx_seed_demo.py", "complete"): "demo minutes from the curriculum's own hours",
    ("elsx/curriculum.py", "*"): "the bundled curriculum files, checked by `elsx.curriculum check`",
    ("elsx/management/commands/elsx_issue_certificates.py", "handle"): "a setting (argparse has type=int)",
    ("elsx/management/commands/elsx_render_sample.py", "sample_certificate"): "a constant",
    ("elsx/progress.py", "refresh_summary"): "sums stored hours",
    ("elsx/progress.py", "course_progress"): "sums stored hours",
    ("elsx/tasks.py", "issue_certificates_task"): "a task argument from our own code",
    ("elsx/templatetags/elsx_tags.py", "hours"): "formats stored hours",
    ("elsx/templatetags/elsx_tags.py", "percent"): "formats a stored score",
    ("elsx/assessment/api.py", "pick"): "settings and the block's Integer fields",
    ("elsx/evaluation/api.py", "summary"): "a setting",
    ("elsx/evaluation/api.py", "export_lines"): "a setting",
    ("elsx/olx.py", "course_files"): "constant grading weights",
    ("elsx/reflection.py", "min_words"): "settings",
    ("elsx/trainingfile/api.py", "final_rules_text"): "constant grading weights",
    ("elsx/blocks/topic.py", "_heartbeat_args"): "settings to JSON",
    ("elsx/blocks/topic.py", "heartbeat"): "a setting",
    ("elsx/demo/clock.py", "now"): "the offset file browser tests write (demo only)",
    ("elsx/engagement/api.py", "*"): "settings, the server's clock and stored seconds; sent_at goes through parse_int",
    ("elsx/estimates.py", "*"): "settings and the bundled curriculum's words, hours and minutes",
    ("elsx/progress.py", "required_seconds"): "a setting times the curriculum's hours",
    ("elsx/progress.py", "_acted"): "a setting",
    ("elsx/compat.py", "_platform_user_id"): "platform user ids of stored profiles",
    ("elsx/nudges/api.py", "min_interval"): "a setting",
}


def uses():
    """(module, function, line, what) for every number conversion or digit check outside the parser."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        module = "elsx/" + str(path.relative_to(ROOT))
        if module == PARSER or "/migrations/" in module:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function, node in _calls(tree):
            callee = node.func
            if isinstance(callee, ast.Name) and callee.id in CONVERSIONS:
                found.append((module, function, node.lineno, callee.id))
            elif isinstance(callee, ast.Attribute) and callee.attr in DIGIT_CHECKS:
                found.append((module, function, node.lineno, callee.attr))
    return found


def _calls(tree, function="<module>"):
    for node in ast.iter_child_nodes(tree):
        name = node.name if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
        if isinstance(node, ast.Call):
            yield function, node
        yield from _calls(node, name)


def test_no_module_parses_a_number_outside_the_one_parser():
    unexplained = [use for use in uses() if (use[0], use[1]) not in NOT_REQUEST_NUMBERS
                   and (use[0], "*") not in NOT_REQUEST_NUMBERS]
    assert unexplained == [], "parse numbers from requests with elsx.validation.parse_int / parse_decimal"


def test_no_digit_check_is_left_anywhere():
    # str.isdigit() accepts "²"; nothing outside the parser may decide "is this a number" that way.
    checks = [use for use in uses() if use[3] in DIGIT_CHECKS and use[0] != "elsx/curriculum.py"]
    assert checks == []


def test_the_allowlist_has_no_stale_entries():
    used = {(module, function) for module, function, _line, _what in uses()}
    modules = {module for module, _function, _line, _what in uses()}
    stale = [key for key in NOT_REQUEST_NUMBERS if key not in used and not (key[1] == "*" and key[0] in modules)]
    assert stale == []


def test_the_search_finds_what_it_looks_for(tmp_path):
    tree = ast.parse("def handler(data):\n    return int(data['page']) if data['page'].isdigit() else 0\n")
    assert sorted(call.func.__class__.__name__ for _f, call in _calls(tree)) == ["Attribute", "Name"]
