"""Images of a patient's data (charts, skin photos) sent over HTTP: only through signed-in views, never
from static/, and kept by no cache, not even the browser's disk."""

from flask import Response, abort


def private_image(data: bytes | None, mimetype: str) -> Response:
    """`data` as an image response; 404 when there is none (missing and forbidden look the same)."""
    if data is None:
        abort(404)
    response = Response(data, mimetype=mimetype)
    # Health data: the browser may keep it for this user only, never a shared cache, and not on disk.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
