"""The web app's routes, one module per area: ``api`` (the JSON/CSV API at ``/api``), ``pages``
(the dashboard's HTML pages), ``briefs`` (country briefs as HTML and PDF downloads) and
``assets`` (scripts and geometry the pages load). Each module's ``router(web)`` returns an
:class:`fastapi.APIRouter` over the shared :class:`article2.web.context.Web`.

:data:`ERRORS` and friends are the OpenAPI descriptions of the answers every route may give
besides its own (the error body is always ``{"error": "..."}``).
"""

from __future__ import annotations

from typing import Any

from article2.web.context import ErrorBody

__all__ = ["ERRORS", "JSON_OR_CSV", "LIMITED"]

_RETRY = {"Retry-After": {"description": "seconds after which to try again",
                          "schema": {"type": "integer", "minimum": 1}}}

#: answers of every route that computes (rate limit, queue full or time limit)
LIMITED: dict[int | str, dict[str, Any]] = {
    429: {"model": ErrorBody, "headers": _RETRY,
          "description": "Too many requests from this client: try again after Retry-After"},
    503: {"model": ErrorBody, "headers": _RETRY,
          "description": "The server is busy (every computation slot taken and the queue full, "
                         "or the answer still computing after the time limit): try again "
                         "after Retry-After"},
}

#: answers of every route with parameters
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such country, capability or data (e.g. a "
                                             "year or date the data do not cover)"},
    422: {"model": ErrorBody, "description": "An invalid parameter (the message names it and "
                                             "the allowed values)"},
    **LIMITED,
}

#: a 200 that is JSON or, with ``format=csv``, CSV
JSON_OR_CSV: dict[int | str, dict[str, Any]] = {
    200: {"description": "JSON (``{..., rows: [...]}``) or, with format=csv, a CSV download",
          "content": {"application/json": {"schema": {"type": "object"}},
                      "text/csv": {"schema": {"type": "string"}}}},
}

JSON_200: dict[int | str, dict[str, Any]] = {
    200: {"description": "JSON", "content": {"application/json": {"schema": {"type": "object"}}}},
}
