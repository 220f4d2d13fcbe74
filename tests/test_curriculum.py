"""The curriculum loads to 10 topics, 6 weeks, 11.0 hours, and broken files are reported precisely."""
import shutil
import subprocess
import sys
from decimal import Decimal

import pytest

from elsx.curriculum import CurriculumError, get_curriculum, load_curriculum, main
from elsx.resources import curriculum_dir


def test_shipped_curriculum_is_complete():
    curriculum = get_curriculum()
    assert len(curriculum.topics) == 10
    assert [week.number for week in curriculum.weeks] == [1, 2, 3, 4, 5, 6]
    assert curriculum.hours == Decimal("11.0")
    assert [topic.title for topic in curriculum.topics] == [
        "Vulnerable Populations", "Emerging Trends in Exploited Child Cases", "Child Sex Trafficking",
        "Community-Based Multi-Disciplinary Teams", "Legal Considerations", "Media Relations",
        "Federal Resources", "Family and Survivor Impact", "Responder Resilience and Wellness",
        "Community Action Planning",
    ]


@pytest.mark.parametrize("topic", get_curriculum().topics, ids=lambda t: t.id)
def test_every_topic_meets_the_content_rules(topic):
    assert len(topic.objectives) >= 3
    assert len(topic.sections) >= 2
    assert len(topic.questions) >= 5
    for question in topic.questions:
        assert sum(option.correct for option in question.options) == 1
        assert len(question.options) >= 3
        assert question.explanation
    assert "agency" in topic.reflection_prompt.lower()
    assert 1 <= topic.week <= 6


def test_seed_facts_are_in_the_right_topics():
    curriculum = get_curriculum()

    def text(topic_id):
        topic = curriculum.topic(topic_id)
        return " ".join(section.body_html for section in topic.sections)

    assert "Team HOPE" in text("family-survivor-impact")
    assert "restitution" in text("family-survivor-impact")
    assert "recovery plan" in text("child-sex-trafficking").lower()
    assert "Missing Kids Readiness Program" in text("community-action-planning")


@pytest.fixture
def broken(tmp_path):
    """A copy of the shipped curriculum to break in one place."""
    folder = tmp_path / "modules"
    shutil.copytree(curriculum_dir(), folder)
    return folder


def edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def problems_of(folder):
    with pytest.raises(CurriculumError) as caught:
        load_curriculum(folder)
    return [str(problem) for problem in caught.value.problems]


def line_of(path, needle):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_missing_field_names_file_and_line(broken):
    path = broken / "media-relations.xml"
    edit(path, "<title>Media Relations</title>", "")
    problems = problems_of(broken)
    assert any(p.startswith("media-relations.xml:") and "missing <title>" in p for p in problems), problems


def test_question_without_correct_answer(broken):
    path = broken / "legal-considerations.xml"
    line = line_of(path, '<question id="q1"')
    text = path.read_text(encoding="utf-8")
    start = text.index('<question id="q1"')
    end = text.index("</question>", start)
    block = text[start:end].replace(' correct="true"', "")
    path.write_text(text[:start] + block + text[end:], encoding="utf-8")
    assert f"legal-considerations.xml:{line}: question 'q1' has no correct answer" in problems_of(broken)


def test_question_with_two_correct_answers(broken):
    path = broken / "federal-resources.xml"
    text = path.read_text(encoding="utf-8")
    start = text.index('<question id="q2"')
    first_wrong = text.index("<option", start)
    while 'correct="true"' in text[first_wrong:text.index(">", first_wrong)]:
        first_wrong = text.index("<option", first_wrong + 1)
    text = text[:first_wrong] + '<option correct="true"' + text[first_wrong + len("<option"):]
    path.write_text(text, encoding="utf-8")
    assert any("question 'q2' has 2 correct answers" in p for p in problems_of(broken))


def test_duplicate_topic_id_in_outline(broken):
    edit(broken / "outline.xml", '<topic ref="federal-resources"/>', '<topic ref="media-relations"/>')
    problems = problems_of(broken)
    assert any(p.startswith("outline.xml:") and "duplicate topic id 'media-relations'" in p for p in problems)
    assert any("federal-resources.xml" in p and "not placed" in p for p in problems)


def test_duplicate_question_id(broken):
    edit(broken / "responder-wellness.xml", '<question id="q2"', '<question id="q1"')
    assert any("duplicate question id 'q1'" in p for p in problems_of(broken))


def test_hours_that_do_not_add_up(broken):
    edit(broken / "media-relations.xml", 'credit-hours="1.0"', 'credit-hours="1.5"')
    problems = problems_of(broken)
    assert any("outline.xml" in p and "add up to 11.5, not 11.0" in p for p in problems), problems


def test_week_outside_range(broken):
    edit(broken / "outline.xml", '<week number="6"', '<week number="7"')
    line = line_of(broken / "outline.xml", '<week number="7"')
    assert f"outline.xml:{line}: week number must be 1 to 6, not '7'" in problems_of(broken)


def test_malformed_xml_reports_line(broken):
    edit(broken / "emerging-trends.xml", "</summary>", "</summry>")
    problems = problems_of(broken)
    assert any(p.startswith("emerging-trends.xml:") and "not well-formed XML" in p for p in problems), problems


def test_disallowed_markup_is_reported(broken):
    edit(broken / "vulnerable-populations.xml", "<p>", "<p><script>alert(1)</script>")
    assert any("<script> is not allowed" in p for p in problems_of(broken))


def test_too_few_questions(broken):
    path = broken / "media-relations.xml"
    text = path.read_text(encoding="utf-8")
    for qid in ("q5", "q6", "q4"):
        start = text.index(f'<question id="{qid}"')
        end = text.index("</question>", start) + len("</question>")
        text = text[:start] + text[end:]
    path.write_text(text, encoding="utf-8")
    assert any("needs at least 5 questions, found 3" in p for p in problems_of(broken))


def test_all_problems_reported_at_once(broken):
    edit(broken / "media-relations.xml", "<title>Media Relations</title>", "")
    edit(broken / "outline.xml", '<week number="6"', '<week number="0"')
    problems = problems_of(broken)
    assert any("media-relations.xml" in p for p in problems)
    assert any("week number must be 1 to 6, not '0'" in p for p in problems)


def test_command_line_check_reports_without_traceback(broken):
    edit(broken / "media-relations.xml", 'credit-hours="1.0"', 'credit-hours="lots"')
    result = subprocess.run([sys.executable, "-m", "elsx.curriculum", "check", str(broken)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "media-relations.xml:" in result.stderr and "credit-hours must be a number" in result.stderr
    assert "Traceback" not in result.stderr


def test_command_line_check_passes_on_shipped_files(capsys):
    assert main(["check"]) == 0
    assert "10 topics, 6 weeks, 11.0 hours" in capsys.readouterr().out


def test_missing_folder_is_a_clear_error(tmp_path):
    problems = problems_of(tmp_path / "nowhere")
    assert problems == [f"{tmp_path / 'nowhere'}: the curriculum folder does not exist"]
