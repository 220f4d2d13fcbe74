"""Write the whole course as an Open edX export (.tar.gz) for Studio's Import page."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from elsx import olx
from elsx.curriculum import CurriculumError, get_curriculum


class Command(BaseCommand):
    help = "Write the course (ten topics in six weeks, progress, certificate, staff dashboard) as an OLX .tar.gz."

    def add_arguments(self, parser):
        parser.add_argument("out", help="Where to write the archive, e.g. elsx-course.tar.gz")
        parser.add_argument("--org", default="ELSX", help="Course organization (must match the course in Studio).")
        parser.add_argument("--number", default=None, help="Course number; default: settings ELSX COURSE_NUMBER.")
        parser.add_argument("--run", default="2026", help="Course run (must match the course in Studio).")
        parser.add_argument("--start", default="2026-01-01T00:00:00Z", help="Course start, ISO 8601 in UTC.")
        parser.add_argument("--embed-content", action="store_true",
                            help="Write every topic field into the OLX instead of referring to the curriculum "
                                 "files shipped with elsx.")

    def handle(self, *args, **options):
        try:
            curriculum = get_curriculum()
        except CurriculumError as exc:
            raise CommandError(_("The curriculum has problems:\n{problems}").format(problems=exc)) from None
        files = olx.course_files(curriculum, org=options["org"], number=options["number"], run=options["run"],
                                 start=options["start"], embed_content=options["embed_content"])
        try:
            olx.write_tarball(files, options["out"])
        except OSError as exc:
            raise CommandError(_("Cannot write {path}: {error}").format(path=options["out"], error=exc)) from None
        self.stdout.write(_("Wrote {path}: {count} files, {topics} topics in {weeks} weeks.").format(
            path=options["out"], count=len(files), topics=len(curriculum.topics), weeks=len(curriculum.weeks)))
