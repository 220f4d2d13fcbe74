"""What a production database must get right: every index and constraint exists after `migrate`, non-Latin
names (4-byte UTF-8 included) round-trip, JSON fields work, and concurrent handler calls never fail.

Marked mysql, so `make test` runs these on SQLite and again on MariaDB (tests/run_mysql.sh).
"""
import threading

import pytest
from django.apps import apps
from django.db import connection

from elsx.curriculum import get_curriculum
from elsx.models import Certificate, ExportJob, LearnerProfile, TopicProgress
from tests.certificates_helpers import COURSE, complete_topics, mark_claimed
from tests.conftest import call, correct_answers

pytestmark = [pytest.mark.mysql]

NAMES = [
    "Dana María Okonkwo-Sánchez",
    "王秀英",                       # CJK, 3 bytes each in UTF-8
    "𠮷野 家",                     # CJK Extension B: 4 bytes, needs utf8mb4
    "Заурбек Хаджиев",
    "محمد عبد الله",
    "Nguyễn Thị Minh Khai",
    "Chief 👮 Okafor",              # emoji: 4 bytes
    "Ōkawa Ḥasan Çelik Łukasz Øberg",
]


def elsx_models():
    return list(apps.get_app_config("elsx").get_models())


@pytest.mark.django_db
def test_migrate_created_every_index_and_constraint():
    missing = []
    with connection.cursor() as cursor:
        for model in elsx_models():
            table = model._meta.db_table
            found = connection.introspection.get_constraints(cursor, table)
            unique_columns = {tuple(info["columns"]) for info in found.values() if info["unique"]}
            indexed_columns = {tuple(info["columns"]) for info in found.values() if info["index"] or info["unique"]}
            for index in model._meta.indexes:
                columns = tuple(model._meta.get_field(name).column for name in index.fields)
                if index.name not in found and columns not in indexed_columns:
                    missing.append(f"{table}: index {index.name} {columns}")
            for constraint in model._meta.constraints:
                columns = tuple(model._meta.get_field(name).column for name in constraint.fields)
                if not (found.get(constraint.name, {}).get("unique") or columns in unique_columns):
                    missing.append(f"{table}: unique constraint {constraint.name} {columns}")
            for field in model._meta.fields:
                if field.unique and not field.primary_key:
                    if (field.column,) not in unique_columns:
                        missing.append(f"{table}: unique column {field.column}")
    assert missing == []


@pytest.mark.django_db
def test_tables_store_four_byte_utf8():
    if connection.vendor != "mysql":
        pytest.skip("character sets are a MySQL/MariaDB matter")
    tables = [model._meta.db_table for model in elsx_models()]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, table_collation FROM information_schema.tables "
            "WHERE table_schema = DATABASE() AND table_name IN (%s)" % ", ".join(["%s"] * len(tables)), tables)
        collations = dict(cursor.fetchall())
        cursor.execute(
            "SELECT table_name, column_name, character_set_name FROM information_schema.columns "
            "WHERE table_schema = DATABASE() AND character_set_name IS NOT NULL AND table_name IN (%s)"
            % ", ".join(["%s"] * len(tables)), tables)
        narrow = [row for row in cursor.fetchall() if row[2] != "utf8mb4"]
    assert set(collations) == set(tables)
    assert all(value.startswith("utf8mb4") for value in collations.values()), collations
    assert narrow == []


@pytest.mark.django_db
def test_non_latin_names_round_trip_and_can_be_searched():
    for index, name in enumerate(NAMES):
        LearnerProfile.objects.create(course_key=COURSE, learner_id=f"u{index}", full_name=name, legal_name=name,
                                      agency=f"{name} — Agencia", state_training_id="ИД-42")
    stored = dict(LearnerProfile.objects.filter(course_key=COURSE).values_list("learner_id", "full_name"))
    assert [stored[f"u{i}"] for i in range(len(NAMES))] == NAMES
    assert list(LearnerProfile.objects.filter(full_name__icontains="秀英").values_list("learner_id", flat=True)) \
        == ["u1"]
    assert LearnerProfile.objects.get(full_name__contains="👮").learner_id == "u6"
    assert LearnerProfile.objects.get(agency="𠮷野 家 — Agencia").learner_id == "u2"
    # The longest allowed legal name, in 4-byte characters, is stored whole (strict mode would refuse, not cut).
    longest = "𠮷" * LearnerProfile._meta.get_field("legal_name").max_length
    LearnerProfile.objects.filter(learner_id="u0").update(legal_name=longest)
    assert LearnerProfile.objects.get(learner_id="u0").legal_name == longest


@pytest.mark.django_db
def test_a_certificate_for_a_non_latin_name(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ELSX = {"VERIFY_BASE_URL": "https://lms.example.org"}
    from elsx.certificates import api
    complete_topics("cjk")
    mark_claimed("cjk", legal_name="𠮷野 王秀英 👮", agency="Policía de Ñuñoa")
    cert = api.issue(COURSE, "cjk")
    again = Certificate.objects.get(pk=cert.pk)
    assert again.legal_name == "𠮷野 王秀英 👮" and again.agency == "Policía de Ñuñoa"
    assert api.verify(cert.number).public_record()["name"] == "𠮷野 王秀英 👮"


@pytest.mark.django_db
def test_json_fields_round_trip_and_filter():
    topic = get_curriculum().topics[0]
    answers = {question.id: "ñ-😀" for question in topic.questions}
    row = TopicProgress.objects.create(course_key=COURSE, learner_id="json", topic_id=topic.id,
                                       sections_viewed=list(topic.section_ids()), last_answers=answers)
    job = ExportJob.objects.create(course_key=COURSE, kind="roster",
                                   params={"grid": {"search": "王", "page": 2, "flags": [True, None]}})
    row.refresh_from_db()
    job.refresh_from_db()
    assert row.sections_viewed == list(topic.section_ids()) and row.last_answers == answers
    assert job.params == {"grid": {"search": "王", "page": 2, "flags": [True, None]}}
    assert ExportJob.objects.filter(params__grid__search="王").get().pk == job.pk
    assert TopicProgress.objects.filter(last_answers__has_key=topic.questions[0].id).count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_threads_submitting_one_topic_through_the_handler_never_fail(make_block):
    """The issue's "20 threads submitting the same topic: one row, no 500", at the handler (HTTP) level."""
    topic = get_curriculum().topics[0]
    block = make_block(f'<elsx_topic topic_id="{topic.id}"/>', "racer")
    answers = correct_answers(block.topic())
    barrier, statuses, errors = threading.Barrier(20), [], []

    def submit():
        try:
            barrier.wait(timeout=10)
            statuses.append(call(block, "submit_check", {"answers": answers})[0])
        except Exception as exc:  # pylint: disable=broad-except
            errors.append(repr(exc))
        finally:
            connection.close()
    threads = [threading.Thread(target=submit) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert statuses == [200] * 20
    assert TopicProgress.objects.filter(learner_id="racer", topic_id=topic.id).count() == 1
    assert TopicProgress.objects.get(learner_id="racer", topic_id=topic.id).attempts == 1
    assert LearnerProfile.objects.filter(learner_id="racer").count() == 1
