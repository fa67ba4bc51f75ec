"""The packet's ZIP container: written one way only, and checked to be exactly that way.

The seal covers every part's bytes, but two programs can read different bytes out of one ZIP
file when it is unusual: two entries of the same name (one reader takes the first, another
the last), a local header that disagrees with the central directory, data hidden between
entries or before the first, a comment or extra fields. The writer never produces any of
those, so :func:`layout_problems` refuses all of them; a packet whose container differs from
what the writer makes is altered even when every part still matches. Compressed bytes are
not compared (another zlib may compress differently), only the layout and the parts.
"""

from __future__ import annotations

import io
import struct
import zipfile

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
FIRST = ("[Content_Types].xml", "_rels/.rels")
_LOCAL = b"PK\x03\x04"
_CENTRAL = b"PK\x01\x02"
_END = b"PK\x05\x06"
_END_SIZE = 22


def deterministic_zip(entries: dict[str, bytes]) -> bytes:
    """Fixed order ([Content_Types].xml first), fixed timestamps and attributes."""
    names = [n for n in FIRST if n in entries] + sorted(n for n in entries if n not in FIRST)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            archive.writestr(
                info, entries[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=6
            )
    return out.getvalue()


def read_entries(data: bytes) -> dict[str, bytes]:
    """Every entry by name (the caller has run safezip.check_package on ``data``)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def layout_problems(data: bytes) -> list[str]:
    """How the container differs from what :func:`deterministic_zip` writes (empty: none)."""
    try:
        return _walk(data)
    except struct.error:
        return ["the ZIP container is malformed"]


def _walk(data: bytes) -> list[str]:
    if len(data) < _END_SIZE or data[-_END_SIZE : -_END_SIZE + 4] != _END:
        return ["the ZIP container ends with a comment or trailing data"]
    end = data[-_END_SIZE:]
    _, disk, cd_disk, here, total, cd_size, cd_offset, comment = struct.unpack("<4sHHHHIIH", end)
    if disk or cd_disk or here != total or comment:
        return ["the ZIP container's directory is split or carries a comment"]
    if cd_offset + cd_size != len(data) - _END_SIZE:
        return ["the ZIP container has data before its first entry or after its directory"]
    problems: list[str] = []
    names: set[str] = set()
    position = cd_offset
    expected_offset = 0
    for _ in range(total):
        if data[position : position + 4] != _CENTRAL:
            return ["the ZIP directory is malformed"]
        fields = struct.unpack("<4sHHHHHHIIIHHHHHII", data[position : position + 46])
        flags, method, csize, usize = fields[3], fields[4], fields[8], fields[9]
        name_len, extra_len, comment_len, offset = fields[10], fields[11], fields[12], fields[16]
        raw_name = data[position + 46 : position + 46 + name_len]
        name = raw_name.decode("utf-8" if flags & 0x800 else "cp437")
        position += 46 + name_len + extra_len + comment_len
        if name.casefold() in names:
            problems.append(f"the ZIP container holds {name!r} twice")
        names.add(name.casefold())
        if extra_len or comment_len or flags & ~0x800 or method != zipfile.ZIP_DEFLATED:
            problems.append(f"entry {name!r} has ZIP fields the packet writer never sets")
        if offset != expected_offset:
            problems.append(f"data is hidden before entry {name!r}")
        local = struct.unpack("<4sHHHHHIIIHH", data[offset : offset + 30])
        local_name = data[offset + 30 : offset + 30 + local[9]]
        if (
            local[0] != _LOCAL
            or local_name != raw_name
            or local[10]
            or local[7:9]
            != (
                csize,
                usize,
            )
        ):
            problems.append(f"entry {name!r} has a local header unlike its directory entry")
        expected_offset = offset + 30 + local[9] + local[10] + csize
    if position != len(data) - _END_SIZE:
        problems.append("the ZIP directory holds more than its entries")
    if expected_offset != cd_offset:
        problems.append("data is hidden after the last ZIP entry")
    return problems
