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


# --- sources, scenarios, activities and the course-level files ----------------

from elsx.curriculum import (  # noqa: E402
    keyed_is_longest, lint, load_evaluation, load_final_assessment, load_start_here, longest_answer_problem,
)


def test_every_topic_has_sources_and_a_scenario():
    for topic in get_curriculum().topics:
        assert topic.sources, topic.id
        assert all(source.href.startswith("https://") for source in topic.sources)
        assert topic.scenarios, topic.id
        for scenario in topic.scenarios:
            assert scenario.minutes > 0 and len(scenario.stages) >= 2 and scenario.debrief_html
            for stage in scenario.stages:
                assert sum(choice.recommended for choice in stage.choices) == 1
                assert all(choice.consequence for choice in stage.choices)


def test_content_notes_come_before_the_sensitive_topics():
    curriculum = get_curriculum()
    noted = {topic.id for topic in curriculum.topics if topic.content_note}
    assert noted == {"emerging-trends", "child-sex-trafficking", "responder-wellness"}


def test_capstone_carries_the_action_plan_structure():
    topic = get_curriculum().topic("community-action-planning")
    [plan] = topic.activities
    assert plan.minutes >= 30
    for needle in ("three MKRP criteria", "Owner", "Timeline", "Resources", "Partners", "Measure",
                   "Communication plan"):
        assert needle in plan.body_html, needle


def test_shipped_checks_are_not_guessable_by_length():
    curriculum = get_curriculum()
    assert lint(curriculum) == []
    for topic in curriculum.topics:
        assert sum(keyed_is_longest(q) for q in topic.questions) * 2 <= len(topic.questions), topic.id


def test_longest_answer_rule_counts_strictly_longest_keys():
    from elsx.curriculum import Option, Question

    def question(key, other):
        return Question("q", "?", (Option("a", key, True), Option("b", other, False)), "")

    assert keyed_is_longest(question("a longer answer", "short"))
    assert not keyed_is_longest(question("same", "same"))  # a tie is no cue
    assert longest_answer_problem([question("longer one", "x"), question("x", "longer one")]) is None
    problem = longest_answer_problem([question("longer one", "x")] * 2 + [question("x", "longer one")])
    assert "longest in 2 of 3 questions" in problem


def _make_keys_longest(path):
    text = path.read_text(encoding="utf-8")
    text = text.replace('correct="true">', 'correct="true">This padding makes the keyed option the longest one. ')
    path.write_text(text, encoding="utf-8")


def test_check_command_fails_when_keys_are_the_longest(broken, capsys):
    _make_keys_longest(broken / "media-relations.xml")
    assert main(["check", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "media-relations.xml: knowledge check: the keyed option is the longest in 6 of 6" in err


def test_scenario_problems_are_reported(broken):
    path = broken / "media-relations.xml"
    edit(path, 'minutes="15">', 'minutes="soon">')
    edit(path, '<choice id="protect" recommended="true">', '<choice id="protect">')
    edit(path, "<source href=\"https://amberalert.ojp.gov\">", "<source href=\"http://amberalert.ojp.gov\">")
    problems = problems_of(broken)
    assert any("minutes must be a whole number from 1 to 240, not 'soon'" in p for p in problems), problems
    assert any("stage 'morning' needs exactly one recommended choice" in p for p in problems), problems
    assert any("source needs an https:// href" in p for p in problems), problems


def test_scenario_markup_is_sanitized(broken):
    edit(broken / "media-relations.xml", "<debrief>\n      <p>", "<debrief>\n      <p><script>x</script>")
    assert any("<script> is not allowed" in p for p in problems_of(broken))


def test_course_level_files_are_not_taken_for_unplaced_topics():
    curriculum = load_curriculum(curriculum_dir())
    assert len(curriculum.topics) == 10  # start-here, final-assessment and evaluation.xml sit beside them


# --- the final assessment ----------------------------------------------------

def test_final_assessment_meets_the_standard():
    curriculum = get_curriculum()
    bank = load_final_assessment()
    assert len(bank.questions) >= 50
    for topic_id in curriculum.topic_ids():
        assert len(bank.for_topic(topic_id)) >= 4, topic_id
    ids = [item.question.id for item in bank.questions]
    assert len(ids) == len(set(ids))
    for item in bank.questions:
        assert sum(option.correct for option in item.question.options) == 1
        assert item.question.explanation
    questions = [item.question for item in bank.questions]
    assert sum(keyed_is_longest(q) for q in questions) * 2 <= len(questions)


def _bank(tmp_path, body):
    folder = tmp_path / "modules"
    shutil.copytree(curriculum_dir(), folder)
    (folder / "final-assessment.xml").write_text(f"<final_assessment>{body}</final_assessment>", encoding="utf-8")
    return folder


def _item(qid, topic="media-relations", key="b", texts=("one", "two", "three")):
    correct = ' correct="true"'
    options = "".join(f'<option id="{o}"{correct if o == key else ""}>{t}</option>' for o, t in zip("abc", texts))
    return f'<question id="{qid}" topic="{topic}"><prompt>?</prompt>{options}<explanation>x</explanation></question>'


def test_final_assessment_problems_are_all_reported(tmp_path):
    body = _item("q1") + _item("q1") + _item("q2", topic="nowhere") + _item("q3", key="z")
    folder = _bank(tmp_path, body)
    with pytest.raises(CurriculumError) as caught:
        load_final_assessment(folder)
    problems = [str(p) for p in caught.value.problems]
    assert any("duplicate question id 'q1'" in p for p in problems)
    assert any("question names no course topic: topic='nowhere'" in p for p in problems)
    assert any("question 'q3' has no correct answer" in p for p in problems)
    assert any("needs at least 50 questions, found 4" in p for p in problems)
    assert any("topic 'vulnerable-populations' has 0 final-assessment questions; it needs 4" in p for p in problems)


def test_final_assessment_longest_answer_balance(tmp_path):
    topics = get_curriculum().topic_ids()
    body = "".join(_item(f"q{n}", topic=topics[n % 10], key="c", texts=("a", "b", "the longest option"))
                   for n in range(50))
    folder = _bank(tmp_path, body)
    with pytest.raises(CurriculumError) as caught:
        load_final_assessment(folder)
    assert any("the keyed option is the longest in 50 of 50" in str(p) for p in caught.value.problems)
    assert main(["check", str(folder)]) == 1


# --- the evaluation and the orientation --------------------------------------

def test_evaluation_items_have_labelled_scales_and_comments():
    evaluation = load_evaluation()
    rated = [item for item in evaluation.items if item.scale]
    assert rated and all(len(item.points) >= 3 and all(label for _, label in item.points) for item in rated)
    assert any(not item.scale for item in evaluation.items)
    groups = {item.group for item in evaluation.items}
    assert {"Instructor and facilitation", "Content and objectives", "Applicability to your duties", "Time",
            "Open comments"} <= groups


def test_evaluation_problems_are_reported(tmp_path):
    folder = tmp_path / "modules"
    shutil.copytree(curriculum_dir(), folder)
    path = folder / "evaluation.xml"
    edit(path, 'scale="time"', 'scale="nope"')
    edit(path, '<point value="2">Disagree</point>', '<point value="2"></point>')
    with pytest.raises(CurriculumError) as caught:
        load_evaluation(folder)
    problems = [str(p) for p in caught.value.problems]
    assert any("item 'time-taken' names no scale: 'nope'" in p for p in problems)
    assert any("every scale point needs a text label" in p for p in problems)


def test_start_here_spells_out_the_requirements():
    orientation = load_start_here()
    text = " ".join(section.body_html for section in orientation.sections)
    assert "a certificate for 11 hours of in-service credit upon completion of all requirements" in text
    for needle in ("final assessment", "course evaluation", "Community Action Plan", "affirmation",
                   "minimum engaged time", "Showcase commitment to protecting children", "1-800-THE-LOST"):
        assert needle in text, needle


def test_start_here_with_bad_markup_is_reported(tmp_path):
    folder = tmp_path / "modules"
    shutil.copytree(curriculum_dir(), folder)
    edit(folder / "start-here.xml", "<p>", "<p><iframe></iframe>")
    with pytest.raises(CurriculumError) as caught:
        load_start_here(folder)
    assert any("<iframe> is not allowed" in str(p) for p in caught.value.problems)


def test_discussions_need_one_prompt_per_week_and_check_reports_them(broken, capsys):
    from elsx.curriculum import load_discussions, main
    discussions = load_discussions(broken)
    assert [prompt.week for prompt in discussions.prompts] == [1, 2, 3, 4, 5, 6] and discussions.note
    edit(broken / "discussions.xml", 'week="6"', 'week="5"')
    edit(broken / "discussions.xml", "<p>Post one goal", "<script>x</script><p>Post one goal")
    assert main(["check", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "discussions.xml" in err and "week 5 has two discussion prompts" in err
    assert "no discussion prompt for week(s) [6]" in err and "<script> is not allowed" in err


def test_reflection_minutes_are_read_for_the_schedule(broken):
    from elsx.curriculum import load_curriculum
    assert all(topic.reflection_minutes == 20 for topic in load_curriculum(broken).topics)
    edit(broken / "media-relations.xml", '<reflection minutes="20">', '<reflection minutes="soon">')
    assert any("minutes must be a whole number" in problem for problem in problems_of(broken))


def test_a_topic_short_of_its_credited_hours_fails_the_check(broken, capsys):
    from elsx.curriculum import main
    assert main(["check", str(broken)]) == 0
    edit(broken / "responder-wellness.xml", 'minutes="15">', 'minutes="1">')
    assert main(["check", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "responder-wellness.xml" in err and "short of the 50 that 1.0 credit hours need" in err


def test_schedule_runs_as_documented_without_django_settings():
    """`python -m elsx.curriculum schedule` as docs/commission.md gives it: no settings module, the defaults' schedule,
    and a course total at or above the 550 minutes 11 credit hours need."""
    import os
    import re
    import subprocess
    import sys
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run([sys.executable, "-m", "elsx.curriculum", "schedule"], env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    total = re.search(r"Course: about (\d+) minutes", result.stdout)
    assert total and int(total.group(1)) >= 550, result.stdout[-500:]
