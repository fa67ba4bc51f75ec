"""What a local account's password must be: long, and not one that attackers try first.

At least 12 characters, at most 1,024, and not guessable by zxcvbn's estimate: its data are
the most common passwords from public breaches, English words, names and keyboard patterns,
and it sees through the usual disguises (``P@ssw0rd2024!``, ``qwertyuiop12``). A password
that is itself on the breached-passwords list is refused naming that list; anything else
must reach zxcvbn's score 3 ("safely unguessable": about 10^8 guesses or more). The user's
own name, username and email count as known words, and a password that is weak once they
are taken out of it is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from ..errors import Refused

MIN_LENGTH = 12
MAX_LENGTH = 1024  # argon2 hashes anything, but a megabyte "password" is an attack
MIN_SCORE = 3
_CHECKED_PREFIX = 100  # zxcvbn's time grows with length; a 100-character password is strong


@cache
def _breached() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def check(password: str, *, known: Iterable[str] = ()) -> None:
    """Refuse a weak password with the reason; ``known`` are the user's own names."""
    if len(password) < MIN_LENGTH:
        raise Refused(
            f"password must have at least {MIN_LENGTH} characters (it has {len(password)})"
        )
    if len(password) > MAX_LENGTH:
        raise Refused(f"password must have at most {MAX_LENGTH} characters")
    if password.lower() in _breached():
        raise Refused(
            "password is on the list of the most common passwords found in data breaches; "
            "choose another"
        )
    words = {w.lower() for value in known for w in re.split(r"[^A-Za-z0-9]+", value) if len(w) > 3}
    result = zxcvbn(password[:_CHECKED_PREFIX], user_inputs=sorted(words))
    if result["score"] >= MIN_SCORE and _built_on(password, words):
        raise Refused(
            "password is too easy to guess: it is built on your own name or username. "
            "Use a few unrelated words, or a password manager's suggestion."
        )
    if result["score"] < MIN_SCORE:
        feedback = result.get("feedback", {})
        why = feedback.get("warning") or "it follows a pattern attackers try early"
        hint = " ".join(feedback.get("suggestions") or [])
        raise Refused(
            f"password is too easy to guess: {why.rstrip('.')}. "
            + (hint or "Use a few unrelated words, or a password manager's suggestion.")
        )


def _built_on(password: str, words: set[str]) -> bool:
    """Whether the password, without the person's own names, would be weak."""
    rest = password.lower()
    found = False
    for word in sorted(words, key=len, reverse=True):
        if word in rest:
            rest, found = rest.replace(word, ""), True
    return found and zxcvbn(rest[:_CHECKED_PREFIX])["score"] < MIN_SCORE
