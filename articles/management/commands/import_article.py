import json
import os
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.portability import FORMATS, read_articles
from articles.portability.records import PROBLEM_KINDS, ImportFormatError, ImportReport
from articles.portability.store import ArticleOutcome, archive_import

# Problems listed per kind on the terminal; --report FILE has all of them.
LISTED_PER_KIND = 20


def shown(text: str) -> str:
    """``text`` from a file as a terminal may show it: control and format characters (ESC, BEL,
    bidirectional overrides) written as escapes, so a title cannot clear the operator's screen,
    retitle the window or reorder the line."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


class Command(BaseCommand):
    """Import articles and their comment threads from a plain-text, JSON, Disqus or WXR file.

    The whole import is one transaction: a file that cannot be read is reported with its line
    number, an interrupt stops cleanly, and in both cases nothing is written. Importing the same
    file again changes nothing; a newer export adds what is new and updates changed text. Every
    record that needed a policy (orphans, duplicates, bad dates, ...) is listed at the end.
    """

    help = "Import articles with their comment threads (plain text, JSON, Disqus or WordPress)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the file to import")
        parser.add_argument(
            "--format",
            choices=["auto", *FORMATS],
            default="auto",
            help="the file's format (default: detected from its content)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="read and check everything, say what would change, write nothing",
        )
        parser.add_argument("--report", metavar="FILE", help="also write the report as JSON")
        parser.add_argument("--source-name", default="", help="where the articles came from")
        parser.add_argument(
            "--draft",
            action="store_true",
            help="store new articles as drafts for the editors (default: published)",
        )

    def handle(self, *args, path, format, dry_run, report, source_name, draft, **options):
        self.dry_run = dry_run
        problems = ImportReport()
        try:
            stream = open(path, "rb")  # noqa: SIM115 - closed below, after the progress bar
        except OSError as error:
            raise CommandError(f"{path}: cannot read the file: {error.strerror}") from error
        self.bar = tqdm(
            total=os.fstat(stream.fileno()).st_size,
            unit="B",
            unit_scale=True,
            desc="Importing",
            file=sys.stderr,
            disable=not sys.stderr.isatty(),
        )
        try:
            with stream, self.bar:
                reader = _Progress(stream, self.bar)
                articles = read_articles(
                    reader, fmt=format, report=problems, source_name=source_name
                )
                archive_import(
                    articles=articles,
                    report=problems,
                    dry_run=dry_run,
                    draft=draft,
                    on_article=self._print,
                )
        except ImportFormatError as error:
            self._save(report, path, problems, f"{path}: {error}")
            raise CommandError(f"{path}: {shown(str(error))}; nothing was imported") from error
        except ValidationError as error:
            self._save(report, path, problems, f"{path}: {' '.join(error.messages)}")
            raise CommandError(f"{path}: {shown(' '.join(error.messages))}") from error
        except KeyboardInterrupt as error:
            self._save(report, path, problems, "interrupted")
            raise CommandError(f"{path}: interrupted; nothing was imported", returncode=130) from (
                error
            )
        self._save(report, path, problems, None)
        self._summarise(problems)

    def _print(self, outcome: ArticleOutcome) -> None:
        if outcome.created:
            verb = "Would import" if self.dry_run else "Imported"
        elif outcome.updated or outcome.new_comments or outcome.updated_comments:
            verb = "Would update" if self.dry_run else "Updated"
        else:
            verb = "Already imported"
        line = (
            f"{verb} “{shown(outcome.title)}”: {outcome.new_comments} new comments, "
            f"{outcome.existing_comments} already present, {outcome.updated_comments} updated. "
            f"URL: {outcome.url}"
        )
        with self.bar.external_write_mode():  # clears the bar, if any, for the line
            self.stdout.write(line)

    def _summarise(self, report: ImportReport) -> None:
        totals = report.totals
        self.stdout.write(
            f"Articles: {totals['articles_new']} new, {totals['articles_updated']} updated, "
            f"{totals['articles_unchanged']} unchanged. "
            f"Comments: {totals['comments_new']} new, {totals['comments_updated']} updated, "
            f"{totals['comments_unchanged']} unchanged."
        )
        counts = report.counts()
        if counts:
            self.stdout.write(f"Records that needed a policy: {sum(counts.values())}")
        for kind, count in counts.items():
            self.stdout.write(f"  {kind} ({count}): {PROBLEM_KINDS[kind]}")
            listed = [p for p in report.problems if p.kind == kind]
            for problem in listed[:LISTED_PER_KIND]:
                where = f"line {problem.line}: " if problem.line else ""
                action = "" if problem.action == PROBLEM_KINDS[kind] else f": {problem.action}"
                self.stdout.write(shown(f"    {where}{problem.record}{action}"))
            if count > LISTED_PER_KIND:
                self.stdout.write(f"    … and {count - LISTED_PER_KIND} more (--report FILE)")
        if self.dry_run:
            self.stdout.write("Dry run: nothing was written.")

    def _save(self, target: str | None, path: str, report: ImportReport, error: str | None):
        if not target:
            return
        document = {"file": path, "dry_run": self.dry_run, "error": error, **report.as_dict()}
        if error:
            document["totals"] = {}  # rolled back: nothing of the partial run was kept
        try:
            with open(target, "w", encoding="utf-8") as out:
                json.dump(document, out, ensure_ascii=False, indent=2)
        except OSError as failure:
            raise CommandError(f"{target}: cannot write the report: {failure.strerror}") from (
                failure
            )


class _Progress:
    """A binary file that moves the progress bar as the parser reads it."""

    def __init__(self, stream, bar) -> None:
        self._stream = stream
        self._bar = bar

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._bar.update(len(data))
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        position = self._stream.seek(offset, whence)
        self._bar.reset()
        self._bar.update(position)
        return position
