import io

import pytest
from django.core.management import call_command

from articles.models import Article, Comment

pytestmark = pytest.mark.django_db


def test_the_benchmark_imports_checks_and_rolls_back():
    out = io.StringIO()
    call_command("bench_import", "--comments", "300", "--articles", "3", "--check", stdout=out)
    text = out.getvalue()
    assert "Imported 300 comments into 3 articles in" in text
    assert "peak memory" in text
    assert "Trees checked: 300 comments, 0 broken trees." in text
    assert not Article.objects.exists()
    assert not Comment.objects.exists()
