"""Recorded audio for read-aloud: `/audio/<questionnaire>/<language>/<file>`, only files listed at start-up.

The pages put a version (size and time of the file) in every URL, so browsers may keep a recording for long: a
replaced recording has a new URL once the app has been restarted. Byte ranges are answered (206), because Safari on
iPads and iPhones plays media only from servers that do.
"""

from __future__ import annotations

import re

from litestar import Request, Response, Router, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from survey.platform import Platform

CACHE_CONTROL = "public, max-age=604800"
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) byte a Range header asks for; None for the whole file (no header, or one this
    server may ignore, such as several ranges). ValueError when the range lies outside the file (416)."""
    match = _RANGE.fullmatch((header or "").strip())
    if match is None or match.group(1) == match.group(2) == "":
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            raise ValueError("empty suffix range")
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise ValueError(f"bytes {first}-{last} of {size}")
    return start, end


@get("/audio/{questionnaire:str}/{language:str}/{name:str}", sync_to_thread=True)
def recording(
    request: Request,
    questionnaire: FromPath[str],
    language: FromPath[str],
    name: FromPath[str],
    platform: NamedDependency[Platform],
) -> Response[bytes]:
    found = platform.audio.file(questionnaire, language, name)
    if found is None:
        raise NotFoundException()
    try:
        content = found.path.read_bytes()
    except OSError as error:  # removed since start-up
        raise NotFoundException() from error
    headers = {"cache-control": CACHE_CONTROL, "accept-ranges": "bytes", "content-disposition": "inline"}
    size = len(content)
    try:
        wanted = byte_range(request.headers.get("range"), size)
    except ValueError:
        headers["content-range"] = f"bytes */{size}"
        return Response(b"", status_code=416, headers=headers, media_type=found.media_type)
    if wanted is None:
        return Response(content, headers=headers, media_type=found.media_type)
    first, last = wanted
    headers["content-range"] = f"bytes {first}-{last}/{size}"
    return Response(content[first : last + 1], status_code=206, headers=headers, media_type=found.media_type)


audio_router = Router(path="/", route_handlers=[recording], include_in_schema=False)
