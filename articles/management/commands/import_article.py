from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles import services
from articles.importers.text import ImportFormatError, parse_file


class Command(BaseCommand):
    """Import an article and its comment thread from the plain-text source format.

    The whole import is one transaction: a file that cannot be read is reported with its line
    number and nothing is written. Importing the same file again adds nothing.
    """

    help = "Import an article with its comment thread from a plain-text file."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the file to import")
        parser.add_argument("--source-name", default="", help="where the article came from")

    def handle(self, *args, path, source_name, **options):
        try:
            parsed = parse_file(path)
        except OSError as error:
            raise CommandError(f"{path}: cannot read the file: {error.strerror}") from error
        except ImportFormatError as error:
            raise CommandError(f"{path}: {error}") from error
        try:
            result = services.article_import(parsed=parsed, source_name=source_name)
        except ValidationError as error:
            raise CommandError(f"{path}: {' '.join(error.messages)}") from error
        verb = "Imported" if result.article_created else "Already imported"
        self.stdout.write(
            f"{verb} “{result.article.title}”: {result.new_comments} new comments, "
            f"{result.existing_comments} already present."
        )
        self.stdout.write(f"URL: {settings.SITE_URL}{result.article.get_absolute_url()}")
