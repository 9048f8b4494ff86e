import os
import tempfile
from io import BytesIO

from django.core.management.base import BaseCommand, CommandError

from articles.portability.export import EXPORT_FORMATS, write_export
from articles.portability.json_archive import ThreadTooDeep
from articles.portability.selectors import articles_for_export


class Command(BaseCommand):
    """Export articles with their whole comment trees as JSON, Disqus XML or WordPress WXR.

    All articles, or those named by slug; to standard output or, with -o, to a file that
    appears only once complete. ``import_article`` reads every format back.
    """

    help = "Export articles and their comment threads (JSON, Disqus XML or WordPress WXR)."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", metavar="SLUG", help="articles (default: all)")
        parser.add_argument(
            "--format", choices=EXPORT_FORMATS, default="json", help="default: json"
        )
        parser.add_argument("-o", "--output", metavar="FILE", help="default: standard output")

    def handle(self, *args, slugs, format, output, **options):
        articles = articles_for_export(slugs)
        if slugs:
            missing = sorted(set(slugs) - set(articles.values_list("slug", flat=True)))
            if missing:
                raise CommandError(f"no article with the slug {', '.join(missing)}")
        if output:
            self._to_file(output, format, articles)
        else:
            stream = getattr(self.stdout, "buffer", None)
            if stream is not None:
                self.stdout.flush()
                _write(format, articles, stream)
                stream.flush()
            else:
                memory = BytesIO()
                _write(format, articles, memory)
                self.stdout.write(memory.getvalue().decode(), ending="")

    def _to_file(self, output, format, articles):
        folder = os.path.dirname(os.path.abspath(output))
        try:
            handle, partial = tempfile.mkstemp(dir=folder, prefix=".export-", suffix=".part")
        except OSError as error:
            raise CommandError(f"{output}: cannot write there: {error.strerror}") from error
        try:
            with os.fdopen(handle, "wb") as out:
                _write(format, articles, out)
            os.replace(partial, output)
        except BaseException:
            os.unlink(partial)
            raise
        count = articles.count()
        self.stderr.write(f"Exported {count} article{'s' if count != 1 else ''} to {output}.")


def _write(format, articles, out):
    try:
        write_export(format, articles, out)
    except ThreadTooDeep as error:
        raise CommandError(f"{error}: export it with --format disqus or --format wxr") from error
