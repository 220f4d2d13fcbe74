"""Roster and credit-roster CSVs: streamed, UTF-8 with a BOM, safe to open in Excel.

Every text cell starting with = + - @ a tab or a carriage return gets a
leading apostrophe, so a name like "=HYPERLINK(...)" stays text in a
spreadsheet. The credit roster's columns are a named profile: data in
settings.ELSX["CREDIT_PROFILES"], so a state's format is added without code.
"""
import csv
import unicodedata
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from elsx import conf, eligibility
from elsx.cohort import certs, query
from elsx.cohort.params import STATUS_LABELS
from elsx.errors import InvalidInput
from elsx.models import ROLE_CHOICES, Certificate
from elsx.templatetags.elsx_tags import hours as format_hours
from elsx.validation import INVISIBLE_LETTERS

BOM = "\ufeff"
FORMULA_FIRST = "=+-@"
CHUNK = 500  # learners per topic-rows query while streaming
ROLE_LABELS = dict(ROLE_CHOICES)
KINDS = ("roster", "credit")

# Built-in credit-roster profile: the fields POST commissions' rosters carry.
DEFAULT_CREDIT_PROFILE = {
    "label": "In-service credit roster",
    "columns": [
        ["Legal name", "legal_name"], ["State training ID", "state_training_id"], ["State", "state"],
        ["Agency", "agency"], ["Role", "role"], ["Course title", "course_title"],
        ["Course number", "course_number"], ["Credit hours", "credit_hours"], ["Credit type", "credit_type"],
        ["Delivery method", "delivery_method"], ["Start date", "start_date"], ["Completion date", "completion_date"],
        ["Certificate number", "certificate_number"], ["Verification URL", "verification_url"],
        ["Status", "status"], ["Engaged minutes", "engaged_minutes"],
    ],
    "statuses": ["valid", "revoked"],
    "date_format": "%Y-%m-%d",
}
CREDIT_FIELDS = {
    "legal_name": lambda cert, ctx: cert.legal_name,
    "state_training_id": lambda cert, ctx: cert.state_training_id,
    "state": lambda cert, ctx: cert.state,
    "agency": lambda cert, ctx: cert.agency,
    "role": lambda cert, ctx: str(ROLE_LABELS.get(cert.role, cert.role)),
    "role_code": lambda cert, ctx: cert.role,
    "course_title": lambda cert, ctx: cert.course_title,
    "course_number": lambda cert, ctx: cert.course_number,
    "course_version": lambda cert, ctx: cert.course_version,
    "provider_name": lambda cert, ctx: cert.provider_name,
    "credit_hours": lambda cert, ctx: format_hours(cert.credit_hours),
    "credit_type": lambda cert, ctx: cert.credit_type,
    "delivery_method": lambda cert, ctx: cert.delivery_method,
    "start_date": lambda cert, ctx: ctx.date(cert.started_on),
    "completion_date": lambda cert, ctx: ctx.date(cert.completed_on),
    "issue_date": lambda cert, ctx: ctx.date(cert.issued_at),
    "certificate_number": lambda cert, ctx: certs.display_number(cert.number),
    "verification_url": lambda cert, ctx: ctx.verification_url(cert.number) if cert.status == "valid" else "",
    "status": lambda cert, ctx: cert.status,
    # Server-measured engaged time at issue (elsx.engagement), whole minutes.
    "engaged_minutes": lambda cert, ctx: cert.engaged_seconds // 60,
    "signatory_name": lambda cert, ctx: cert.signatory_name,
    "signatory_title": lambda cert, ctx: cert.signatory_title,
}


def _first_visible(text):
    """The first character a spreadsheet would act on: after NFKC (＝ is =), past spaces and invisibles."""
    for char in unicodedata.normalize("NFKC", text):
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp") \
                or char in INVISIBLE_LETTERS:
            continue
        return char
    return ""


def neutralise(value):
    """A cell value as text, defused against spreadsheet formula injection.

    Spreadsheets skip leading spaces and some invisible characters, and read a
    full-width ＝ as =, so the test is the first visible character after NFKC.
    Emails from the user service are not stripped, so " =1+1" arrives as is.
    """
    text = "" if value is None else str(value)
    first = _first_visible(text)
    if text.startswith(("\t", "\r")) or (first and first in FORMULA_FIRST):
        return "'" + text
    return text


class _Line:
    """A file-like object whose write returns what was written (csv.writer to strings)."""

    def write(self, value):
        return value


def csv_lines(header, rows):
    """Yield the CSV text line by line: a BOM, the header, then each row (all neutralised)."""
    writer = csv.writer(_Line())
    yield BOM + writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


def encode(lines):
    for line in lines:
        yield line.encode("utf-8")


class _Formatter:
    """Translations and the time zone looked up once per export, not once per cell."""

    def __init__(self):
        self.zone = timezone.get_current_timezone()
        self.cells = query.cell_labels()
        self.complete_on = _("Complete {date}")
        self.statuses = {key: str(label) for key, label in STATUS_LABELS.items()}
        self.roles = {key: str(label) for key, label in ROLE_LABELS.items()}
        self.yes, self.no, self.done = _("Yes"), _("No"), _("Done")

    def when(self, value):
        if value is None:
            return ""
        if timezone.is_aware(value):
            value = value.astimezone(self.zone)
        return value.strftime("%Y-%m-%d %H:%M")

    def cell(self, cell):
        if cell.completed_at is not None:
            return self.complete_on.format(date=self.when(cell.completed_at)[:10])
        return cell.text(self.cells)

    def record(self, row):
        return ([row.name, row.email, row.agency, self.roles.get(row.role, row.role), self.statuses[row.status],
                 self.yes if row.inactive else self.no, row.topics_completed, format_hours(row.hours),
                 row.pace_week if row.pace_week is not None else self.done, self.when(row.first_activity),
                 self.when(row.last_activity), self.when(row.completed_at), row.certificate_display,
                 row.certificate_status] + [self.cell(cell) for cell in row.cells] + [self.missing(row), row.engaged_seconds // 60])

    @staticmethod
    def missing(row):
        # Topic completion has its own columns; this names what else the one requirements list says is left.
        status = getattr(row, "eligibility", None)
        if status is None:
            return ""
        return "; ".join(req.label for req in status.missing if not req.key.startswith("topic:"))


# --- roster ------------------------------------------------------------------

def roster_header(schedule):
    header = [_("Name"), _("Email"), _("Agency"), _("Role"), _("Status"), _("Inactive 7+ days"),
              _("Topics completed"), _("Hours earned"), _("Schedule week"), _("First activity"),
              _("Last activity"), _("Completed"), _("Certificate number"), _("Certificate status")]
    header += [_("Topic {number}: {title}").format(number=topic.number, title=topic.title)
               for topic in schedule.topics]
    header.append(_("Other requirements still to do"))
    header.append(_("Engaged minutes"))
    return header


def _records(formatter, course_key, chunk, schedule):
    statuses = eligibility.check_many(course_key, [profile["learner_id"] for profile in chunk])
    for row in query.build_rows(course_key, chunk, schedule):
        row.eligibility = statuses.get(row.learner_id)
        yield formatter.record(row)


def roster_records(course_key, params, schedule):
    """Every selected learner as a CSV record, reading CHUNK learners at a time."""
    formatter, chunk = _Formatter(), []
    for profile in query.grid_queryset(course_key, params, schedule).iterator(chunk_size=CHUNK):
        chunk.append(profile)
        if len(chunk) == CHUNK:
            yield from _records(formatter, course_key, chunk, schedule)
            chunk = []
    if chunk:
        yield from _records(formatter, course_key, chunk, schedule)


def roster_csv(course_key, params, schedule):
    """The roster CSV as a generator of text lines (stream it)."""
    return csv_lines(roster_header(schedule), roster_records(course_key, params, schedule))


def roster_count(course_key, params, schedule):
    return query.filtered(course_key, params, schedule).count()


# --- credit roster -----------------------------------------------------------

def credit_profiles():
    """Built-in profiles plus those in settings (which may replace "default")."""
    profiles = {"default": DEFAULT_CREDIT_PROFILE}
    profiles.update(conf.get("CREDIT_PROFILES") or {})
    return profiles


def credit_profile(name):
    """The named profile, checked: unknown names or fields are refused, naming what exists."""
    profiles = credit_profiles()
    name = "default" if name in (None, "") else name
    if not isinstance(name, str) or name not in profiles:
        raise InvalidInput(_("Unknown credit roster profile {name}. Allowed: {allowed}.").format(
            name=repr(name)[:60], allowed=", ".join(sorted(profiles))), field="profile", allowed=sorted(profiles))
    profile = dict(DEFAULT_CREDIT_PROFILE, **profiles[name])
    unknown = [field for _header, field in profile["columns"] if field not in CREDIT_FIELDS]
    if unknown:
        raise InvalidInput(_("Credit roster profile {name} names unknown field(s) {fields}. Known: {known}.").format(
            name=name, fields=", ".join(unknown), known=", ".join(sorted(CREDIT_FIELDS))), field="profile")
    return profile


class _CreditContext:
    def __init__(self, profile):
        self.date_format = profile.get("date_format") or "%Y-%m-%d"
        self.verification_url = certs.verification_url_function()

    def date(self, value):
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
        return value.strftime(self.date_format) if isinstance(value, date) else str(value)


def credit_queryset(course_key, profile):
    return (Certificate.objects.filter(course_key=course_key, status__in=profile["statuses"])
            .order_by("completed_on", "legal_name", "pk"))


def credit_csv(course_key, profile_name="default"):
    profile = credit_profile(profile_name)
    context = _CreditContext(profile)
    header = [column_header for column_header, _field in profile["columns"]]
    getters = [CREDIT_FIELDS[field] for _header, field in profile["columns"]]
    records = ([getter(cert, context) for getter in getters]
               for cert in credit_queryset(course_key, profile).iterator(chunk_size=CHUNK))
    return csv_lines(header, records)


def credit_count(course_key, profile_name="default"):
    return credit_queryset(course_key, credit_profile(profile_name)).count()


# Filters whose values are fixed codes and may name the file; free text (agency, search) may not.
FILENAME_FILTERS = ("status", "role", "not_completed")


def filter_label(grid_query):
    """'-behind-psap-not-media-relations' for a filtered roster, '-filtered' if only free text narrows it."""
    grid_query = grid_query or {}
    parts = [("not-" if key == "not_completed" else "") + str(grid_query[key])
             for key in FILENAME_FILTERS if grid_query.get(key)]
    if not parts and any(grid_query.get(key) for key in ("agency", "search")):
        parts = ["filtered"]
    text = "-".join(parts)
    return "-" + "".join(char if char.isalnum() else "-" for char in text)[:80] if text else ""


def filename(kind, course_key, today=None, grid_query=None):
    today = today or timezone.localdate()
    slug = "".join(char if char.isalnum() else "-" for char in course_key).strip("-")[:60]
    return f"elsx-{kind}{filter_label(grid_query)}-{slug}-{today.isoformat()}.csv"
