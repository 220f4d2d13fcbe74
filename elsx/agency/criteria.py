"""The three MKRP criteria, as NCMEC states them, for each kind of agency.

Source: NCMEC, Missing Kids Readiness Program (program description in the course seed; NCMEC's
current form accepts the CEO seminar or the MKRP online course for the executive criterion,
asks for an affirmation that first responders were trained on the policy, and renews
membership after five years).
"""
from django.utils.translation import gettext_lazy as _

from elsx.agency.models import KIND_CLEARINGHOUSE, KIND_LAW_ENFORCEMENT, KIND_PSAP

EXECUTIVE, POLICY, PERSONNEL = "executive", "policy", "personnel"
ORDER = (EXECUTIVE, POLICY, PERSONNEL)
RENEWAL_YEARS = 5

LABELS = {
    KIND_LAW_ENFORCEMENT: {
        EXECUTIVE: _("The chief or sheriff attended the CEO seminar (CEOMEC) or completed the MKRP online course"),
        POLICY: _("The agency adopted the NCMEC/IACP model policy, or one meeting its critical components, "
                  "and addresses quality-assurance review"),
        PERSONNEL: _("All sworn personnel completed the required online modules"),
    },
    KIND_PSAP: {
        EXECUTIVE: _("The PSAP director completed the PSAP course"),
        POLICY: _("The center adopted the APCO/NCMEC ANSI standard, or a policy meeting its critical elements, "
                  "and addresses quality-assurance review"),
        PERSONNEL: _("All telecommunicators completed the required online modules"),
    },
}
# NCMEC's program names law enforcement and PSAPs; a clearinghouse tracks the law-enforcement criteria.
LABELS[KIND_CLEARINGHOUSE] = LABELS[KIND_LAW_ENFORCEMENT]

# What counts as the executive's training, by kind of agency.
EXECUTIVE_TRAININGS = {
    KIND_LAW_ENFORCEMENT: {"ceomec": _("CEO seminar (CEOMEC)"), "mkrp_online": _("MKRP online course")},
    KIND_PSAP: {"psap_course": _("PSAP course"), "ceomec": _("CEO seminar (CEOMEC)")},
}
EXECUTIVE_TRAININGS[KIND_CLEARINGHOUSE] = EXECUTIVE_TRAININGS[KIND_LAW_ENFORCEMENT]

PERSONNEL_WORD = {KIND_LAW_ENFORCEMENT: _("sworn personnel"), KIND_PSAP: _("telecommunicators"),
                  KIND_CLEARINGHOUSE: _("personnel")}
