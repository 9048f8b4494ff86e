"""A "not found" that knows where the reader should go instead."""

from django.http import Http404


class NotFoundHere(Http404):
    """404 whose page links back to ``back_url`` (the article in question) with ``back_label``,
    rather than only to the home page."""

    def __init__(self, reason: str, *, back_url: str, back_label: str):
        super().__init__(reason)
        self.back_url, self.back_label = back_url, back_label
