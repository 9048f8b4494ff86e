"""Votes on comments: casting and withdrawing them, pinning a comment, checking the totals."""
