"""The search form: the words, and the filters (kind, topic, author)."""

import re

from django import forms

from articles.search import selectors

MAX_LENGTH = 200
_WORD = re.compile(r"\w")


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search for",
        max_length=MAX_LENGTH,
        error_messages={
            "required": "Type a word or two to search for.",
            "max_length": f"A search is at most {MAX_LENGTH} characters: try a few of its words.",
        },
    )
    kind = forms.ChoiceField(label="In", choices=selectors.KINDS.items(), required=False)
    topic = forms.ChoiceField(label="Topic", required=False)
    author = forms.CharField(label="Comments by", max_length=150, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", "Any topic"), *selectors.topic_choices()]

    def clean_q(self):
        text = self.cleaned_data["q"]
        if not _WORD.search(text):
            raise forms.ValidationError(
                "Type a word to search for: punctuation alone finds nothing."
            )
        return text

    def criteria(self) -> selectors.Criteria:
        """The valid form's search."""
        data = self.cleaned_data
        return selectors.Criteria(
            text=data["q"], kind=data["kind"] or "all", topic=data["topic"], author=data["author"]
        )
