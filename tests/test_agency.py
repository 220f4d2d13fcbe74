"""Agency readiness: matching, merging, attestations, reviews, readiness states and retirement."""
import datetime
import threading

import pytest
from django.db import connection

from elsx.agency import api, names
from elsx.agency.models import Agency, AgencyLearner, Attestation, AttestationLog
from elsx.errors import Conflict, InvalidInput, NotAllowed
from elsx.retirement import retire_learner

COURSE = "course-v1:ELSX+EXEC101+demo"
NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.timezone.utc)
EXEC = {"training": "ceomec", "completed_on": "2025-03-04"}
POLICY = {"policy_name": "GO 41.2 Missing Children", "adopted_on": "2025-05-01",
          "quality_assurance": "Supervisors review every missing-child report within 24 hours.",
          "responders_trained": True}
PERSONNEL = {"personnel": 40, "completed": 40}


@pytest.mark.parametrize("typed, normalized", [
    ("Riverside Co. Sheriff", "riverside county sheriff"),
    ("Riverside County Sheriff's Office", "riverside county sheriff"),
    ("  THE riverside  county sheriff’s office ", "riverside county sheriff"),
    ("Springfield PD", "springfield police department"),
    ("Springfield Police Dept.", "springfield police department"),
    ("Office of the Sheriff", "sheriff"),
])
def test_normalize_known_answers(typed, normalized):
    assert names.normalize(typed) == normalized


def test_distinct_agencies_stay_distinct():
    assert names.normalize("Riverside County Sheriff") != names.normalize("Riverside Police Department")


@pytest.fixture
def executive(db):
    agency = api.link_learner(COURSE, "chief-1", "Riverside Co. Sheriff", "law_enforcement", "CA", True)
    return agency


def test_learners_spelling_one_agency_two_ways_share_a_record(executive):
    other = api.link_learner(COURSE, "deputy-2", "Riverside County Sheriff's Office", "law_enforcement", "CA")
    assert other.pk == executive.pk
    assert Agency.objects.count() == 1


def test_same_name_in_another_state_is_another_agency(executive):
    other = api.link_learner(COURSE, "chief-9", "Riverside County Sheriff", "law_enforcement", "TX", True)
    assert other.pk != executive.pk


def test_suggestions_offer_close_names(executive):
    found = api.suggest("Riverside Cnty Sherif", "CA")
    assert [a.pk for a in found] == [executive.pk]
    assert api.suggest("Fresno Police Department", "CA") == []


@pytest.mark.parametrize("name, kind, field", [
    ("", "law_enforcement", "agency"),
    ("The Office", "law_enforcement", "agency"),  # nothing left after the noise words
    ("Riverside PD", "fire", "kind"),
    ("Riverside PD", ["psap"], "kind"),
])
def test_bad_agency_input_is_refused_and_stores_nothing(db, name, kind, field):
    with pytest.raises(InvalidInput) as raised:
        api.link_learner(COURSE, "x", name, kind, "CA")
    assert raised.value.field == field
    assert Agency.objects.count() == 0 and AgencyLearner.objects.count() == 0


def test_attest_is_idempotent_and_logged_once(executive):
    first = api.attest(COURSE, "chief-1", "executive", EXEC, now=NOW)
    again = api.attest(COURSE, "chief-1", "executive", dict(EXEC), now=NOW + datetime.timedelta(hours=1))
    assert again.pk == first.pk and again.version == 1 and again.entered_at == NOW
    assert AttestationLog.objects.filter(action="attested").count() == 1


def test_only_the_executive_attests(executive):
    api.link_learner(COURSE, "deputy-2", "Riverside County Sheriff", "law_enforcement", "CA")
    with pytest.raises(NotAllowed):
        api.attest(COURSE, "deputy-2", "executive", EXEC, now=NOW)
    with pytest.raises(NotAllowed):
        api.attest(COURSE, "stranger", "executive", EXEC, now=NOW)
    assert Attestation.objects.count() == 0


@pytest.mark.parametrize("criterion, evidence, field", [
    ("executive", {"training": "psap_course", "completed_on": "2025-01-01"}, "training"),
    ("executive", {"training": "ceomec", "completed_on": "2025-13-01"}, "completed_on"),
    ("executive", {"training": "ceomec", "completed_on": "2099-01-01"}, "completed_on"),
    ("executive", {"training": "ceomec", "completed_on": 20250101}, "completed_on"),
    ("policy", dict(POLICY, quality_assurance="short"), "quality_assurance"),
    ("policy", dict(POLICY, responders_trained="yes"), "responders_trained"),
    ("personnel", {"personnel": 10, "completed": 11}, "completed"),
    ("personnel", {"personnel": True, "completed": 1}, "personnel"),
    ("personnel", {"personnel": 10 ** 9, "completed": 1}, "personnel"),
    ("personnel", {"personnel": "10", "completed": 1}, "personnel"),
])
@pytest.mark.mysql
def test_bad_evidence_is_refused_and_keeps_the_stored_one(executive, criterion, evidence, field):
    good = {"executive": EXEC, "policy": POLICY, "personnel": PERSONNEL}[criterion]
    stored = api.attest(COURSE, "chief-1", criterion, good, now=NOW)
    with pytest.raises(InvalidInput) as raised:
        api.attest(COURSE, "chief-1", criterion, evidence, now=NOW)
    assert raised.value.field == field
    stored.refresh_from_db()
    assert stored.evidence == api.clean_evidence("law_enforcement", criterion, good, NOW.date())
    assert stored.version == 1


def test_unknown_fields_and_criteria_are_refused(executive):
    with pytest.raises(InvalidInput):
        api.attest(COURSE, "chief-1", "executive", dict(EXEC, extra=1), now=NOW)
    with pytest.raises(InvalidInput):
        api.attest(COURSE, "chief-1", "budget", {}, now=NOW)
    assert Attestation.objects.count() == 0


def test_psap_executive_criterion_names_the_psap_course(db):
    api.link_learner(COURSE, "dir-1", "Metro 911 ECC", "psap", "OH", True)
    stored = api.attest(COURSE, "dir-1", "executive", {"training": "psap_course", "completed_on": "2025-02-02"},
                        now=NOW)
    assert stored.evidence["training"] == "psap_course"
    with pytest.raises(InvalidInput):
        api.attest(COURSE, "dir-1", "executive", {"training": "mkrp_online", "completed_on": "2025-02-02"}, now=NOW)


def _accept_all(agency, staff="staff"):
    for criterion in ("executive", "policy", "personnel"):
        current = Attestation.objects.get(agency=agency, criterion=criterion)
        api.review(agency.pk, criterion, current.version, True, "", staff, now=NOW)


def test_readiness_moves_through_its_states(executive):
    assert api.readiness(executive.pk).state == api.STATE_NOT_STARTED
    api.attest(COURSE, "chief-1", "executive", EXEC, now=NOW)
    assert api.readiness(executive.pk).state == api.STATE_IN_PROGRESS
    api.attest(COURSE, "chief-1", "policy", POLICY, now=NOW)
    api.attest(COURSE, "chief-1", "personnel", PERSONNEL, now=NOW)
    assert api.readiness(executive.pk).state == api.STATE_IN_PROGRESS  # submitted is not accepted
    _accept_all(executive)
    ready = api.readiness(executive.pk)
    assert ready.state == api.STATE_READY and all(c.met for c in ready.criteria)
    api.record_membership(executive.pk, "2024-02-29", "staff")
    member = api.readiness(executive.pk)
    assert member.state == api.STATE_MEMBER
    assert member.renewal_due == datetime.date(2029, 2, 28)


def test_partial_personnel_or_untrained_responders_are_not_met(executive):
    api.attest(COURSE, "chief-1", "executive", EXEC, now=NOW)
    api.attest(COURSE, "chief-1", "policy", dict(POLICY, responders_trained=False), now=NOW)
    api.attest(COURSE, "chief-1", "personnel", {"personnel": 40, "completed": 39}, now=NOW)
    _accept_all(executive)
    result = api.readiness(executive.pk)
    assert result.state == api.STATE_IN_PROGRESS
    assert [c.met for c in result.criteria] == [True, False, False]


def test_a_review_of_a_stale_version_is_refused(executive):
    first = api.attest(COURSE, "chief-1", "policy", POLICY, now=NOW)
    api.attest(COURSE, "chief-1", "policy", dict(POLICY, policy_name="GO 41.3"), now=NOW)
    with pytest.raises(Conflict):
        api.review(executive.pk, "policy", first.version, True, "", "staff", now=NOW)
    assert Attestation.objects.get(agency=executive, criterion="policy").status == Attestation.STATUS_SUBMITTED


def test_returned_needs_a_comment_and_resubmitting_resets_it(executive):
    stored = api.attest(COURSE, "chief-1", "policy", POLICY, now=NOW)
    with pytest.raises(InvalidInput):
        api.review(executive.pk, "policy", stored.version, False, "", "staff", now=NOW)
    returned = api.review(executive.pk, "policy", stored.version, False, "Attach the QA clause.", "staff", now=NOW)
    assert returned.status == Attestation.STATUS_RETURNED
    again = api.attest(COURSE, "chief-1", "policy", POLICY, now=NOW)  # same evidence, but it was returned
    assert again.status == Attestation.STATUS_SUBMITTED and again.version == 2


def test_merge_moves_learners_and_attestations_and_is_idempotent(executive):
    dup = Agency.objects.create(name="Riverside Sherif Dept", normalized_name="riverside sherif department",
                                kind="law_enforcement", state="CA")
    AgencyLearner.objects.create(agency=dup, course_key=COURSE, learner_id="deputy-3")
    api.attest(COURSE, "chief-1", "executive", EXEC, now=NOW)
    Attestation.objects.create(agency=dup, criterion="executive", evidence={"training": "mkrp_online"},
                               entered_at=NOW)
    Attestation.objects.create(agency=dup, criterion="personnel", evidence=PERSONNEL, entered_at=NOW)
    kept = api.merge(executive.pk, dup.pk, "staff")
    assert api.merge(executive.pk, dup.pk, "staff").pk == kept.pk
    assert api.agency_of(COURSE, "deputy-3").pk == executive.pk
    assert Attestation.objects.get(agency=executive, criterion="executive").evidence["training"] == "ceomec"
    assert Attestation.objects.filter(agency=executive, criterion="personnel").exists()
    assert Attestation.objects.filter(agency=dup).count() == 1  # kept there, readable, not deleted
    assert [r.agency.pk for r in api.dashboard()] == [executive.pk]
    with pytest.raises(InvalidInput):
        api.merge(executive.pk, executive.pk, "staff")


def test_dashboard_filters_and_fixed_query_count(db, django_assert_max_num_queries):
    for i in range(30):
        agency = api.link_learner(COURSE, f"chief-{i}", f"Town {i} Police Department",
                                  "psap" if i % 3 == 0 else "law_enforcement", "CA" if i % 2 else "NV", True)
        if i % 5 == 0:
            api.attest(COURSE, f"chief-{i}", "executive",
                       {"training": "psap_course" if i % 3 == 0 else "ceomec", "completed_on": "2025-01-01"},
                       now=NOW)
    with django_assert_max_num_queries(3):
        rows = api.dashboard()
    assert len(rows) == 30
    assert len(api.dashboard(state="CA")) == 15
    assert len(api.dashboard(kind="psap")) == 10
    assert len(api.dashboard(readiness_state=api.STATE_IN_PROGRESS)) == 6
    with pytest.raises(InvalidInput):
        api.dashboard(readiness_state="done")


@pytest.mark.parametrize("size", [7, 70])
def test_a_dashboard_page_costs_four_queries_whatever_the_count(db, django_assert_num_queries, size):
    for i in range(size):
        agency = Agency.objects.create(name=f"Town {i:03} PD", normalized_name=f"town {i:03} pd",
                                       kind="law_enforcement", state="CA")
        if i % 2:
            Attestation.objects.create(agency=agency, criterion="executive", evidence={}, entered_at=NOW)
    with django_assert_num_queries(4):
        page = api.dashboard_page(page_size=5)
    assert page.total == size and len(page.rows) == 5 and page.pages == -(-size // 5)


def test_dashboard_pages_cover_every_agency_once_and_count_all_pages(db):
    ready = []
    for i in range(12):
        agency = Agency.objects.create(name=f"Town {i:02} PD", normalized_name=f"town {i:02} pd",
                                       kind="law_enforcement", state="CA" if i % 3 else "NV")
        if i % 4 == 0:  # every criterion accepted and met: ready to apply
            ready.append(agency.pk)
            for criterion, evidence in (("executive", {}), ("policy", {"responders_trained": True}),
                                        ("personnel", {"personnel": 5, "completed": 5})):
                Attestation.objects.create(agency=agency, criterion=criterion, evidence=evidence, entered_at=NOW,
                                           status=Attestation.STATUS_ACCEPTED)
    seen = []
    for number in (1, 2, 3):
        page = api.dashboard_page(page=number, page_size=5)
        assert (page.number, page.pages, page.total, page.ready_count) == (number, 3, 12, 3)
        seen += [row.agency.pk for row in page.rows]
    assert seen == [row.agency.pk for row in api.dashboard()]  # the same order as the export, none twice
    assert api.dashboard_page(page=99, page_size=5).number == 3  # past the last: the last
    only_ready = api.dashboard_page(readiness_state=api.STATE_READY, page_size=5)
    assert sorted(row.agency.pk for row in only_ready.rows) == sorted(ready) and only_ready.total == 3
    assert {row.state for row in only_ready.rows} == {api.STATE_READY}
    nevada = api.dashboard_page(state="NV", page_size=50)
    assert nevada.total == 4 and {row.agency.state for row in nevada.rows} == {"NV"}
    with pytest.raises(InvalidInput):
        api.dashboard_page(readiness_state="done")


def test_renewals_within_ninety_days(db):
    soon = Agency.objects.create(name="A", normalized_name="a", kind="psap", member_since=datetime.date(2021, 8, 1))
    Agency.objects.create(name="B", normalized_name="b", kind="psap", member_since=datetime.date(2022, 8, 1))
    assert [a.pk for a, _due in api.renewals_due(today=datetime.date(2026, 6, 1))] == [soon.pk]


def test_computed_completions_from_module_courses(db, settings):
    from elsx.models import LearnerProfile
    settings.ELSX = {"MKRP_MODULE_COURSES": ["course-v1:NCMEC+MKRP+1"]}
    agency = api.link_learner("course-v1:NCMEC+MKRP+1", "officer-1", "Springfield PD", "law_enforcement", "IL")
    api.link_learner("course-v1:NCMEC+MKRP+1", "officer-2", "Springfield PD", "law_enforcement", "IL")
    LearnerProfile.objects.create(course_key="course-v1:NCMEC+MKRP+1", learner_id="officer-1", completed_at=NOW)
    LearnerProfile.objects.create(course_key="course-v1:NCMEC+MKRP+1", learner_id="officer-2")
    assert api.readiness(agency.pk).computed_completions == 1


def test_retirement_scrubs_attestations_and_keeps_the_agency(executive):
    api.attest(COURSE, "chief-1", "executive", EXEC, now=NOW)
    retire_learner("chief-1")
    stored = Attestation.objects.get(agency=executive)
    assert stored.entered_by == "" and not AgencyLearner.objects.filter(learner_id="chief-1").exists()
    assert not AttestationLog.objects.filter(actor="chief-1").exists()
    assert Agency.objects.filter(pk=executive.pk).exists()


@pytest.mark.mysql
@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_makes_one_agency():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the MariaDB run covers this")
    barrier = threading.Barrier(8)
    errors = []

    def create(i):
        try:
            barrier.wait()
            api.link_learner(COURSE, f"l{i}", "Lakeside Police Department", "law_enforcement", "MN")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()
    threads = [threading.Thread(target=create, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Agency.objects.count() == 1 and AgencyLearner.objects.count() == 8


def test_an_agency_has_one_executive(executive):
    api.link_learner(COURSE, "chief-2", "Riverside County Sheriff", "law_enforcement", "CA", True)
    assert api.is_executive(COURSE, "chief-1") and not api.is_executive(COURSE, "chief-2")
    with pytest.raises(NotAllowed):
        api.attest(COURSE, "chief-2", "executive", EXEC, now=NOW)


def test_demo_seed_covers_every_readiness_state_and_is_idempotent(db):
    from elsx.agency.seed import seed_agencies
    assert seed_agencies(COURSE) == 5
    assert seed_agencies(COURSE) == 0
    states = {row.state for row in api.dashboard()}
    assert states == set(api.STATES)
    assert len(api.renewals_due()) == 1
