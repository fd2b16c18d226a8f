"""The patient's own charts, on /progress: the same chart code as the clinician's review."""

from flask import request
from flask_login import current_user

from diary.access import patient_required
from diary.care import bp
from diary.chart_service import chart_response, window_from_args
from diary.clinical.days import local_today


@bp.get("/progress/charts/<string:name>.png")
@patient_required
def chart(name: str):
    today = local_today(current_user.timezone)
    return chart_response(current_user.id, name, window_from_args(request.args, today), today)
