"""Pages anyone may open: the health check for load balancers, the crisis resources, and the service worker
with the page it shows when there is no connection."""

from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from diary.errors import incident_log
from diary.extensions import csrf, db

bp = Blueprint("public", __name__)


@bp.get("/healthz")
@csrf.exempt
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        incident_log("health check failed", error)
        db.session.rollback()
        return jsonify(status="unavailable"), 503, {"Retry-After": "30"}
    return jsonify(status="ok")


@bp.get("/crisis")
def crisis():
    return render_template("public/crisis.html")


@bp.get("/sw.js")
def service_worker():
    """static/js/sw.js from the site's root, so that its scope is the whole site; checked for a new version
    on every page load (browsers re-fetch a worker's script anyway, whatever the cache says)."""
    # Read whole (a few KB) rather than streamed from an open file: a browser often drops this fetch half-way
    # (a page left while the worker updates), and the development server then never closes the file.
    script = (Path(current_app.static_folder) / "js" / "sw.js").read_bytes()
    response = current_app.response_class(script, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/offline")
def offline():
    """What the service worker shows for a page it cannot fetch (kept without cookies: no one's data)."""
    return render_template("public/offline.html")
