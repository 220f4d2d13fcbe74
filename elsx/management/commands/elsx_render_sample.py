"""`elsx_render_sample out.pdf`: render a sample certificate (nothing is stored or issued)."""
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from elsx import conf
from elsx.certificates import api, numbers
from elsx.models import Certificate


def sample_certificate(legal_name="Dana María Okonkwo-Sánchez", agency="Riverside County Sheriff's Office"):
    today = timezone.localdate()
    return Certificate(
        number=numbers.generate(), course_key=conf.get("DEMO_COURSE_KEY"), learner_id="sample", generation=1,
        legal_name=legal_name, agency=agency, role="le_executive", state_training_id="P-0042117", state="CA",
        course_title=api.course_title(), course_number=conf.get("COURSE_NUMBER"), course_version="1",
        provider_name=conf.get("PROVIDER_NAME"), credit_hours=Decimal("11.00"),
        credit_type=conf.get("CREDIT_TYPE"), delivery_method=conf.get("DELIVERY_METHOD"),
        started_on=today - timedelta(weeks=6), completed_on=today, issued_at=timezone.now(),
        signatory_name=conf.get("SIGNATORY_NAME"), signatory_title=conf.get("SIGNATORY_TITLE"),
    )


class Command(BaseCommand):
    help = "Render a sample certificate PDF to a file, to check the template and fonts."

    def add_arguments(self, parser):
        parser.add_argument("out", help="where to write the PDF")
        parser.add_argument("--name", default=None, help="legal name to print (default: a sample name)")
        parser.add_argument("--agency", default=None, help="agency to print")

    def handle(self, *args, **options):
        kwargs = {key: options[key] for key in ("name", "agency") if options[key]}
        if "name" in kwargs:
            kwargs["legal_name"] = kwargs.pop("name")
        cert = sample_certificate(**kwargs)
        started = timezone.now()
        try:
            data = api.render_pdf(api.prepare_document(cert))
        except OSError as exc:
            raise CommandError(f"rendering failed: {exc}") from exc
        try:
            with open(options["out"], "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise CommandError(f"cannot write {options['out']}: {exc}") from exc
        elapsed = (timezone.now() - started).total_seconds()
        self.stdout.write(f"Wrote {options['out']} ({len(data) // 1024} KB, {elapsed:.2f} s including start-up); "
                          f"sample number {numbers.display(cert.number)}")
