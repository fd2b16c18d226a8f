"""Pages anyone may open: the health check for load balancers and the crisis resources."""

from flask import Blueprint, jsonify, render_template
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
