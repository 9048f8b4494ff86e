"""The forms of a username that decide whether two names are one: the key (NFKC, casefolded),
which logins and uniqueness use, and the skeleton (look-alike letters made Latin), which keeps
new names from imitating existing ones."""

import functools
import unicodedata

from confusable_homoglyphs import confusables


def username_key(name: str) -> str:
    """``name`` as authentication compares it: NFKC-normalised (full-width
    letters are their ASCII selves), without surrounding spaces, casefolded."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


@functools.cache
def _latin_look_alike(character: str) -> str:
    if character.isascii():
        return character
    found = confusables.is_confusable(character, greedy=True, preferred_aliases=["latin"]) or []
    for entry in found:
        for homoglyph in entry["homoglyphs"]:
            if homoglyph["c"].isascii():
                return homoglyph["c"].casefold()
    return character


def username_skeleton(name: str) -> str:
    """The key of ``name`` with every letter that imitates a Latin one replaced by it: a Cyrillic
    "a" reads as the Latin one, so the two spellings of "admin" have one skeleton."""
    return "".join(_latin_look_alike(character) for character in username_key(name))
