from articles.portability.htmltext import html_to_text
from articles.posting.markdown import render_plain_text


def test_paragraphs_and_line_breaks_survive_a_round_trip_through_html():
    text = "First line & more <angle>\nsecond line\n\nNext paragraph."
    assert html_to_text(render_plain_text(text)) == text


def test_blocks_become_paragraphs_and_scripts_disappear():
    html = "<div><p>a <b>b</b></p>c<ul><li>x</li></ul><script>alert(1)</script><!-- no --></div>"
    assert html_to_text(html) == "a b\n\nc\n\nx"


def test_text_without_blocks_is_read_like_wordpress():
    assert html_to_text("One\ntwo\n\n<em>Three</em>") == "One\ntwo\n\nThree"
    assert html_to_text("   ") == ""
