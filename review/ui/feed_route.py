"""The calendar feed's HTTP route, served by the Streamlit server itself.

Streamlit 1.67 runs an ``st.App`` (an ASGI application on Starlette) when ``streamlit run``
is given a script that defines one: app.py does, with this route among its routes.
``GET /feed/<token>.ics[?department=NAME]`` answers the iCalendar file of the person the
secret token belongs to, or 404 for a token that is unknown or rotated (the same answer, so
tokens cannot be probed). No page logic lives here: review.services.feed decides what the
token may see.
"""

from __future__ import annotations

from functools import lru_cache

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from ..errors import NotFound, ReviewError
from ..services import feed
from ..services.context import Services
from ..services.startup import open_services
from ..settings import settings


@lru_cache(maxsize=1)
def _services() -> Services:
    return open_services(migrate=settings().auto_migrate)


async def calendar(request: Request) -> Response:
    token = str(request.path_params["token"])
    department = request.query_params.get("department") or None
    try:
        body = await run_in_threadpool(feed.calendar, _services(), token, department=department)
    except NotFound:
        return PlainTextResponse("no such calendar feed\n", status_code=404)
    except ReviewError as exc:
        return PlainTextResponse(f"{exc}\n", status_code=503)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Cache-Control": "private, max-age=300",
            "Content-Disposition": 'inline; filename="deadlines.ics"',
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",  # the URL is the secret
        },
    )


def routes() -> list[Route]:
    return [Route("/feed/{token}.ics", calendar, methods=["GET"])]
