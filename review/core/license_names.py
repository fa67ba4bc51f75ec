"""License names and URLs that are not SPDX ids, read as SPDX ids (OSS-3).

SBOMs and forms often name a license the way its text or a package registry does
("Apache2", "MIT License", "The 3-Clause BSD License", ``https://opensource.org/licenses/MIT``).
``standards/license_names.yaml`` maps them to SPDX ids: it is built by
``scripts/build_license_names.py`` from the SPDX License List's full names and reference URLs,
plus a short list of common spellings the script names; a key more than one current id claims
is left out, so an ambiguous name stays unknown rather than guessed.

``spdx_for(text)`` is the SPDX id a whole license text names, or None. Only a text that is
itself a name or URL is mapped (an expression such as ``MIT OR Apache-2.0`` is left to the
SPDX parser); what cannot be mapped stays as written and is judged ``unknown`` as before.
"""

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from .safeyaml import load_file
from .spdx import LicenseVerdict, classify
from .standards import DEFAULT_DIR, Licenses

TABLE_FILE = "license_names.yaml"
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www\.)\S+$|^[\w.-]+\.[a-z]{2,}/\S*$", re.I)


class LicenseNames(BaseModel):
    """The table: normalised name or URL -> SPDX id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    names: dict[str, str]
    urls: dict[str, str]


def norm_name(text: str) -> str:
    """A license name reduced to its words: case, punctuation, "the", "license"/"licence",
    "version"/"v." and repeated words do not matter ("The MIT License (MIT)" -> "mit")."""
    t = unicodedata.normalize("NFKC", text).lower().strip()
    t = t.replace("&", " and ").replace("licence", "license")
    t = re.sub(r"[\"'“”‘’(),;:/_]", " ", t)
    t = re.sub(r"\bversion\b|\bver\b\.?|\bv\b\.?\s*(?=\d)|(?<=\s)v(?=\d)", " ", t)
    t = t.replace("-", " ")  # "BSD 3-Clause" and "BSD-3-Clause" alike
    t = re.sub(r"^the\s+", "", t.strip())
    t = re.sub(r"\blicen[sc]e[sd]?\b", " ", t)
    words: list[str] = []
    for word in t.split():
        word = word.strip(".")
        if word and (not words or words[-1] != word):
            words.append(word)
    return " ".join(words)


def norm_url(text: str) -> str:
    """A license URL without scheme, ``www.``, query, fragment, trailing slash or file suffix,
    in lower case; opensource.org's ``/license/`` and ``/licenses/`` paths are one."""
    t = text.strip().lower()
    t = re.sub(r"^[a-z][a-z0-9+.-]*://", "", t).removeprefix("www.")
    t = t.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    t = re.sub(r"\.(?:html?|php|txt|md)$", "", t)
    return t.replace("opensource.org/license/", "opensource.org/licenses/")


def is_url(text: str) -> bool:
    return bool(_URL.match(text.strip()))


@lru_cache(maxsize=4)
def load(directory: Path = DEFAULT_DIR) -> LicenseNames:
    data = load_file(directory / TABLE_FILE, max_bytes=2_000_000, what="standards file")
    return LicenseNames.model_validate(data)


@lru_cache(maxsize=8192)
def spdx_for(text: str | None) -> str | None:
    """The SPDX id a license name or URL stands for, or None."""
    if not text or not text.strip() or len(text) > 300:
        return None
    table = load()
    if is_url(text):
        return table.urls.get(norm_url(text))
    return table.names.get(norm_name(text))


def judge(expression: str | None, licenses: Licenses) -> tuple[LicenseVerdict, str | None]:
    """The OSS-3 verdict on ``expression``, and the SPDX id it was read as when it is not an
    SPDX expression but a license name or URL the table knows (else None)."""
    verdict = classify(expression, licenses)
    if verdict.license_class != "unknown":
        return verdict, None
    read_as = spdx_for(expression)
    if read_as is None:
        return verdict, None
    return classify(read_as, licenses), read_as
