"""Agencies and their readiness as a CSV (the cohort exports' safe writer: BOM, neutralised cells)."""
from django.utils.translation import gettext as _

from elsx.agency import api
from elsx.agency.models import KIND_CHOICES, Attestation
from elsx.cohort.exports import csv_lines

KINDS = dict(KIND_CHOICES)


def state_labels():
    return {api.STATE_NOT_STARTED: _("Not started"), api.STATE_IN_PROGRESS: _("In progress"),
            api.STATE_READY: _("Ready to apply"), api.STATE_MEMBER: _("Member")}


def criterion_cell(state):
    if state.attestation is None:
        return _("Not entered")
    if state.met:
        return _("Met")
    return {Attestation.STATUS_SUBMITTED: _("Awaiting review"),
            Attestation.STATUS_RETURNED: _("Returned")}.get(state.attestation.status, _("Not met"))


def readiness_csv(rows):
    labels = state_labels()
    header = [_("Agency"), _("Type"), _("State"), _("ORI"), _("Readiness"), _("Executive criterion"),
              _("Policy criterion"), _("Personnel criterion"), _("Member since"), _("Renewal due")]

    def records():
        for row in rows:
            agency = row.agency
            yield [agency.name, str(KINDS.get(agency.kind, agency.kind)), agency.state, agency.ori,
                   labels[row.state], *(criterion_cell(c) for c in row.criteria),
                   agency.member_since.isoformat() if agency.member_since else "",
                   row.renewal_due.isoformat() if row.renewal_due else ""]
    return csv_lines(header, records())
