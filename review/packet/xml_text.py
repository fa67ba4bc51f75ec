"""Text that is safe to put in a Word document, whatever program it was pasted from.

XML 1.0 (and so WordprocessingML) cannot carry most C0 control characters, lone surrogates
or the non-characters U+FFFE/U+FFFF; a single one makes Word refuse the whole file. Line and
page separators become line breaks, a tab stays a tab, and every other control character
becomes its visible Unicode "control picture" (NUL -> U+2400 ␀), so nothing is silently
dropped and nothing after it is lost. Non-Latin scripts and emoji pass through unchanged.
"""

from __future__ import annotations

import re

# Vertical tab (Word's own manual line break), form feed, CR/LF pairs and the Unicode line
# and paragraph separators all mean "new line" to the person who pasted them.
_NEWLINES = re.compile("\r\n|[\r\v\f\x85\u2028\u2029]")
_C0 = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_C1 = re.compile("[\x80-\x84\x86-\x9f]")
_BAD = re.compile("[\ud800-\udfff\ufffe\uffff]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    return "\u2421" if code == 0x7F else chr(0x2400 + code)


def clean(value: object) -> str:
    """``value`` as text that survives XML: the same text a reader will see."""
    text = value if isinstance(value, str) else str(value)
    if text.isascii() and text.isprintable():
        return text  # the common case, kept fast
    text = _NEWLINES.sub("\n", text)
    text = _C0.sub(_picture, text)
    text = _C1.sub("\ufffd", text)
    return _BAD.sub("\ufffd", text)
