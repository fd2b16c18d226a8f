"""The upload form (one per view on the page) and the share switch."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import AnyOf, InputRequired

from diary.clinical.photos import VIEWS
from diary.imaging import EMPTY


class UploadForm(FlaskForm):
    view = HiddenField(validators=[InputRequired(), AnyOf(VIEWS)])
    # The file is checked by decoding it (diary/imaging.py), never by its name or declared type.
    photo = FileField("Take or choose the photo", validators=[FileRequired(EMPTY)])


class ShareForm(FlaskForm):
    """One photo's switch, or every photo's: "1" shares, "0" makes private (a value, never a flip, so a
    second tap changes nothing)."""

    shared = HiddenField(validators=[InputRequired(), AnyOf(("0", "1"))])
