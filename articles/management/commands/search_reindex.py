"""manage.py search_reindex: store SEARCH_CONFIG (or --config) in the database and recompute
every search vector with it. Run it after changing SEARCH_CONFIG."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles.search.services import search_config_set


class Command(BaseCommand):
    help = "Store the text search configuration in the database and recompute every vector."

    def add_arguments(self, parser):
        parser.add_argument(
            "--config", default=None, help="a PostgreSQL text search configuration (SEARCH_CONFIG)"
        )

    def handle(self, *args, config=None, **options):
        """Recompute; print the configuration and the number of documents."""
        config = config or settings.SEARCH_CONFIG
        try:
            count = search_config_set(config=config)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Search now uses {config!r}: {count} documents indexed again.")
