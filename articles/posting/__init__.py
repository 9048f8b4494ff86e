"""Writing comments: posting, authors' edits and deletions, anti-abuse checks, Markdown."""
