"""`elsx_training_file --course KEY out.zip`: the training file a coordinator sends to a commission."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from elsx import conf
from elsx.trainingfile import api


class Command(BaseCommand):
    help = "Write the training file (outline, schedule, instruments with keys, evaluation, roster) as a ZIP."

    def add_arguments(self, parser):
        parser.add_argument("out", help="where to write the ZIP")
        parser.add_argument("--course", default=None, help="course key (default: the demo course)")

    def handle(self, *args, **options):
        course_key = options["course"] or conf.get("DEMO_COURSE_KEY")
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"the folder {out.parent} does not exist")
        data = api.build(course_key)
        out.write_bytes(data)
        out.chmod(0o600)  # keys and learner records: private to the user who ran it
        self.stdout.write(f"wrote {out} ({len(data)} bytes)")
