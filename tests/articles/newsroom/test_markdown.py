"""Articles' Markdown: the comments' renderer and sanitiser, plus headings and https images."""

from articles.posting.markdown import render_article_markdown, render_markdown


def test_articles_have_headings_below_the_title():
    assert render_article_markdown("# Top\n\n### Deeper") == "<h2>Top</h2>\n<h3>Deeper</h3>\n"


def test_articles_have_images_from_https_addresses_only():
    html = render_article_markdown(
        "![a](https://img.example/a.png) ![b](http://img.example/b.png) ![c](data:image/png,x)"
    )
    assert '<img src="https://img.example/a.png" alt="a">' in html
    # Refused addresses stay as text, never as an image's source.
    assert html.count("<img") == 2 and '<img alt="b">' in html
    assert 'src="http:' not in html and 'src="data:' not in html


def test_articles_are_sanitised_like_comments():
    html = render_article_markdown(
        '<script>x</script> [x](javascript:alert(1)) <img src="https://a"> [y](https://y.example)'
    )
    assert "<script" not in html and 'href="javascript' not in html and "<img" not in html
    assert '<a href="https://y.example" rel="nofollow ugc noopener">y</a>' in html


def test_comments_still_have_neither_headings_nor_images():
    assert "<h" not in render_markdown("# Top") and "<img" not in render_markdown("![a](https://a)")
