"""Pasted pages carry other sites' footers: the text reader keeps the byline, reports the rest."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[3] / "articles" / "sample_data" / "ibm-servers-zdnet.txt"
NEWSLETTER = "Sign up for The Register's weekly newsletter, delivered every Monday."


def test_another_sites_newsletter_line_is_dropped_and_reported(tmp_path):
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    # After the byline (line 38) and ZDNet's own newsletter line: another site's.
    lines[41:41] = [NEWSLETTER, ""]
    pasted = tmp_path / "pasted.txt"
    pasted.write_text("\n".join(lines), encoding="utf-8")
    out, report = io.StringIO(), tmp_path / "report.json"
    call_command("import_article", str(pasted), "--report", str(report), stdout=out)

    article = Article.objects.get()
    assert article.byline.startswith("Leon covers enterprise technology")
    assert NEWSLETTER not in article.byline and NEWSLETTER not in article.body
    assert article.comments.count() == 13
    printed = out.getvalue()
    assert "footer_dropped (1): text after the byline" in printed
    assert f"line 42: {NEWSLETTER!r}" in printed
    assert '"kind": "footer_dropped"' in report.read_text(encoding="utf-8")
