#!/usr/bin/env python3
"""Build standards/license_names.yaml: license names and URLs -> SPDX ids (OSS-3).

Source: the SPDX License List (full names and reference URLs) as the ``spdx-license-list``
npm package ships it (CC0-1.0), plus the current/deprecated split from the license-expression
index installed with the project. Reproduce:

    cd /tmp && npm pack spdx-license-list@6.12.0 && tar xzf spdx-license-list-6.12.0.tgz
    .venv/bin/python scripts/build_license_names.py /tmp/package/spdx.json

Keys are normalised as review.core.license_names normalises what it looks up. A key that two
current ids claim is dropped (ambiguous names stay unknown); a deprecated id loses to a
current one with the same name (GPL-2.0 -> GPL-2.0-only).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from review.core.license_names import norm_name, norm_url  # noqa: E402
from review.evidence.sbom.common import _DEPRECATED_WITH  # noqa: E402

# Spellings seen in real SBOMs and package registries that are not SPDX full names. Each is
# unambiguous: an unversioned "GPL" or "BSD License" is not listed and stays unknown. A bare
# "GNU ... v2.1" is read as "-only", as SPDX's deprecated bare ids were.
ALIASES = {
    "Apache2": "Apache-2.0",
    "Apache 2": "Apache-2.0",
    "Apache-2": "Apache-2.0",
    "Apache License 2": "Apache-2.0",
    "Apache License, Version 2.0": "Apache-2.0",
    "The Apache Software License, Version 2.0": "Apache-2.0",
    "Apache Software License 2.0": "Apache-2.0",
    "ASL 2.0": "Apache-2.0",
    "AL 2.0": "Apache-2.0",
    "Apache License 1.1": "Apache-1.1",
    "The MIT License": "MIT",
    "MIT/X11": "MIT",
    "Expat": "MIT",
    "Expat License": "MIT",
    "The 3-Clause BSD License": "BSD-3-Clause",
    "BSD 3-Clause": "BSD-3-Clause",
    "BSD 3-clause New License": "BSD-3-Clause",
    "New BSD License": "BSD-3-Clause",
    "Modified BSD License": "BSD-3-Clause",
    "Revised BSD License": "BSD-3-Clause",
    "The 2-Clause BSD License": "BSD-2-Clause",
    "BSD 2-Clause": "BSD-2-Clause",
    "Simplified BSD License": "BSD-2-Clause",
    "FreeBSD License": "BSD-2-Clause",
    "ISC License (ISC)": "ISC",
    "GPLv2": "GPL-2.0-only",
    "GPL v2": "GPL-2.0-only",
    "GPLv3": "GPL-3.0-only",
    "GPL v3": "GPL-3.0-only",
    "GNU General Public License v2": "GPL-2.0-only",
    "GNU General Public License, Version 2": "GPL-2.0-only",
    "GNU General Public License v2.0": "GPL-2.0-only",
    "GNU General Public License v3": "GPL-3.0-only",
    "GNU General Public License, Version 3": "GPL-3.0-only",
    "GNU General Public License v3.0": "GPL-3.0-only",
    "LGPLv2.1": "LGPL-2.1-only",
    "LGPL 2.1": "LGPL-2.1-only",
    "LGPLv3": "LGPL-3.0-only",
    "LGPL 3": "LGPL-3.0-only",
    "GNU Lesser General Public License v2.1": "LGPL-2.1-only",
    "GNU Lesser General Public License, Version 2.1": "LGPL-2.1-only",
    "GNU Lesser General Public License v3": "LGPL-3.0-only",
    "GNU Lesser General Public License v3.0": "LGPL-3.0-only",
    "GNU Lesser General Public License, Version 3": "LGPL-3.0-only",
    "AGPLv3": "AGPL-3.0-only",
    "GNU Affero General Public License v3": "AGPL-3.0-only",
    "GNU Affero General Public License v3.0": "AGPL-3.0-only",
    "Eclipse Public License v1.0": "EPL-1.0",
    "Eclipse Public License - v 1.0": "EPL-1.0",
    "Eclipse Public License v2.0": "EPL-2.0",
    "Eclipse Public License - v 2.0": "EPL-2.0",
    "Mozilla Public License, Version 2.0": "MPL-2.0",
    "MPL 2.0": "MPL-2.0",
    "CDDL 1.0": "CDDL-1.0",
    "CDDL 1.1": "CDDL-1.1",
    "Public Domain, per Creative Commons CC0": "CC0-1.0",
    "CC0": "CC0-1.0",
    "Unlicense": "Unlicense",
    "Boost Software License": "BSL-1.0",
    "Python Software Foundation License": "PSF-2.0",
    "zlib/libpng": "Zlib",
    "GNU General Public License, Version 2 with the Classpath Exception": (
        "GPL-2.0-only WITH Classpath-exception-2.0"
    ),
    "GNU General Public License (GPL), version 2, with the Classpath exception": (
        "GPL-2.0-only WITH Classpath-exception-2.0"
    ),
    "GPL2 w/ CPE": "GPL-2.0-only WITH Classpath-exception-2.0",
}
URL_ALIASES = {
    "https://www.apache.org/licenses/LICENSE-2.0.txt": "Apache-2.0",
    "https://www.gnu.org/licenses/gpl-2.0": "GPL-2.0-only",
    "https://www.gnu.org/licenses/gpl-3.0": "GPL-3.0-only",
    "https://www.gnu.org/licenses/lgpl-2.1": "LGPL-2.1-only",
    "https://www.gnu.org/licenses/lgpl-3.0": "LGPL-3.0-only",
    "https://www.gnu.org/licenses/agpl-3.0": "AGPL-3.0-only",
    "https://www.eclipse.org/legal/epl-2.0": "EPL-2.0",
    "https://www.eclipse.org/legal/epl-v20": "EPL-2.0",
    "https://www.mozilla.org/en-US/MPL/2.0": "MPL-2.0",
    "https://mozilla.org/MPL/2.0": "MPL-2.0",
    "https://choosealicense.com/licenses/mit": "MIT",
    "https://spdx.org/licenses/MIT": "MIT",
    "http://www.opensource.org/licenses/mit-license.php": "MIT",
    "http://www.opensource.org/licenses/apache2.0.php": "Apache-2.0",
}


def _current_ids() -> set[str]:
    import license_expression

    index = Path(license_expression.__file__).parent / "data" / "scancode-licensedb-index.json"
    entries = json.loads(index.read_text())
    return {e["spdx_license_key"] for e in entries if e.get("spdx_license_key")} | {
        k for e in entries for k in e.get("other_spdx_license_keys", []) if "LicenseRef" not in k
    }


def build(spdx: dict[str, dict[str, object]]) -> tuple[dict[str, str], dict[str, str]]:
    current = _current_ids()
    deprecated = {i for i in spdx if i not in current or i.endswith("+")}
    bare_gnu = {i for i in spdx if i.split("-")[0] in {"GPL", "LGPL", "AGPL"} and "-only" not in i
                and "-or-later" not in i}  # fmt: skip
    deprecated |= bare_gnu
    names: dict[str, set[str]] = {}
    urls: dict[str, set[str]] = {}
    for spdx_id, entry in spdx.items():
        names.setdefault(norm_name(str(entry["name"])), set()).add(spdx_id)
        for url in [str(entry.get("url") or ""), f"https://spdx.org/licenses/{spdx_id}.html"]:
            if url:
                urls.setdefault(norm_url(url), set()).add(spdx_id)
        if entry.get("osiApproved"):
            urls.setdefault(norm_url(f"https://opensource.org/licenses/{spdx_id}"), set()).add(
                spdx_id
            )

    def pick(table: dict[str, set[str]]) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, ids in table.items():
            live = {i for i in ids if i not in deprecated} or ids
            if len(live) == 1 and key:
                out[key] = next(iter(live))
        return out

    name_table, url_table = pick(names), pick(urls)
    for alias, spdx_id in ALIASES.items():
        assert spdx_id.split(" WITH ")[0] in spdx, spdx_id
        name_table[norm_name(alias)] = spdx_id
    for url, spdx_id in URL_ALIASES.items():
        url_table[norm_url(url)] = spdx_id

    def current(table: dict[str, str]) -> dict[str, str]:
        # ids that fold an exception in are written as their SPDX replacement
        return {k: _DEPRECATED_WITH.get(v.lower(), v) for k, v in sorted(table.items())}

    return current(name_table), current(url_table)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    spdx = json.loads(Path(argv[1]).read_text())
    names, urls = build(spdx)
    out = ROOT / "standards" / "license_names.yaml"
    lines = [
        "# License names and URLs that are not SPDX ids, read as SPDX ids (OSS-3).",
        "# Generated by scripts/build_license_names.py from the SPDX License List (full names and",
        "# reference URLs; spdx-license-list npm 6.12.0, CC0-1.0) and the script's alias list.",
        "# Keys are normalised (review/core/license_names.py). Regenerate; do not edit by hand.",
        f"source: {json.dumps('SPDX License List via spdx-license-list 6.12.0 + aliases')}",
        "names:",
        *(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in names.items()),
        "urls:",
        *(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in urls.items()),
    ]
    out.write_text("\n".join(lines) + "\n")
    print(f"{out}: {len(names)} names, {len(urls)} URLs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
