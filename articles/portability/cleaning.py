"""What an import may store of what people wrote: the same input policy as posting on the site
(``posting/text_policy.py``), applied to every record before its thread is resolved.

Titles and names lose control, bidirectional and zero-width characters; Markdown bodies lose
control characters, and bidirectional controls outside code; plain-text and HTML bodies lose
both everywhere. A body over ``COMMENT_MAX_LENGTH`` is cut to it (``truncated``). A comment that
shows nothing once invisible characters are set aside is skipped (``blank_skipped``), its
replies moving up to its parent so the rest of the thread keeps its shape.
"""

from dataclasses import replace

from django.conf import settings

from articles.portability.records import ImportReport, SourceArticle, SourceComment
from articles.posting.text_policy import clean_body, clean_line, clean_text, is_blank


def _cleaned(comment: SourceComment, report: ImportReport) -> SourceComment:
    markdown = comment.body_format == "markdown"
    body = clean_body(comment.body) if markdown else clean_text(comment.body)
    limit = settings.COMMENT_MAX_LENGTH
    if len(body) > limit:
        body = body[:limit]
        report.add("truncated", comment.line, comment.label, f"text cut to {limit:,} characters")
    return replace(
        comment,
        title=clean_line(comment.title),
        author_name=clean_line(comment.author_name),
        body=body,
    )


def _first_kept(start, step, blank) -> object:
    # Follow a skipped comment's parents (``step``) up to the first that is kept; a loop
    # (cycles are resolved later, by the tree) ends at the top level.
    seen = set()
    while start in blank and start not in seen:
        seen.add(start)
        start = step(start)
    return None if start in seen else start


def cleaned_article(source: SourceArticle, report: ImportReport) -> SourceArticle:
    """``source`` with every comment cleaned, and blank ones skipped: their replies are
    re-parented to the skipped comment's parent, by position and by id alike."""
    cleaned = [_cleaned(comment, report) for comment in source.comments]
    blank_positions = {i for i, comment in enumerate(cleaned) if is_blank(comment.body)}
    if not blank_positions:
        return replace(source, comments=cleaned)
    blank_ids = {
        cleaned[i].original_id: cleaned[i].parent_id
        for i in blank_positions
        if cleaned[i].original_id
    }
    new_position, kept = {}, []
    for i, comment in enumerate(cleaned):
        if i in blank_positions:
            report.add("blank_skipped", comment.line, comment.label)
        else:
            new_position[i] = len(kept)
            kept.append(comment)
    for index, comment in enumerate(kept):
        parent = _first_kept(
            comment.parent_index, lambda p: cleaned[p].parent_index, blank_positions
        )
        parent_id = _first_kept(comment.parent_id, blank_ids.get, blank_ids) or ""
        kept[index] = replace(
            comment,
            parent_index=None if parent is None else new_position.get(parent),
            parent_id=parent_id,
        )
    return replace(source, comments=kept)
