"""The pregnancy-test, course change request and PHQ-9 check-in forms (the course form itself is shared with
the clinic: diary/course_form.py)."""

from datetime import date, timedelta

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from diary.clinical import phq9
from diary.clinical.thresholds import DAILY_DOSE_MAX_MG, WEIGHT_KG_ALLOWED
from diary.fields import FiniteDecimalField
from diary.records.requests import MESSAGE_MAX

PREGNANCY_TEST_PAST_DAYS = 365
_DECIMAL = {"inputmode": "decimal", "step": "any"}


class PregnancyTestForm(FlaskForm):
    test_day = DateField("Date of the test", validators=[InputRequired("Enter the day of the test.")])
    result = RadioField(
        "Result",
        choices=[SelectChoice("negative", "Negative"), SelectChoice("positive", "Positive")],
        validators=[InputRequired("Choose the result.")],
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def validate_test_day(self, field) -> None:
        if field.data is None:
            return  # not a date: DateField has said so beside the field
        today = self.today
        if field.data > today:
            raise ValidationError("That day has not happened yet.")
        if field.data < today - timedelta(days=PREGNANCY_TEST_PAST_DAYS):
            raise ValidationError("Enter a test from the last twelve months.")


def _answer(value):
    """A submitted answer as an int, or None when it is not one (the field then says what is wrong)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class AnswerField(RadioField):
    """One four-way PHQ-9 answer, 0 … 3, with a clear message for anything else."""

    def __init__(self, label: str, answers: tuple[str, ...] = phq9.ANSWERS, required: bool = True, **kwargs):
        super().__init__(
            label,
            choices=[SelectChoice(str(n), text) for n, text in enumerate(answers)],
            coerce=_answer,
            validators=[InputRequired("Choose an answer.") if required else Optional()],
            **kwargs,
        )

    def pre_validate(self, form) -> None:
        if self.data not in range(len(self.choices)):
            raise ValidationError("Choose one of the four answers.")


class CheckinForm(FlaskForm):
    q1 = AnswerField(phq9.ITEMS[0])
    q2 = AnswerField(phq9.ITEMS[1])
    q3 = AnswerField(phq9.ITEMS[2])
    q4 = AnswerField(phq9.ITEMS[3])
    q5 = AnswerField(phq9.ITEMS[4])
    q6 = AnswerField(phq9.ITEMS[5])
    q7 = AnswerField(phq9.ITEMS[6])
    q8 = AnswerField(phq9.ITEMS[7])
    q9 = AnswerField(phq9.ITEMS[8])
    difficulty = AnswerField(phq9.DIFFICULTY_QUESTION, answers=phq9.DIFFICULTY_ANSWERS, required=False)

    @property
    def items(self) -> list[AnswerField]:
        return [getattr(self, f"q{n}") for n in range(1, len(phq9.ITEMS) + 1)]

    def answers(self) -> list[int]:
        return [field.data for field in self.items]


class ChangeRequestForm(FlaskForm):
    """A shared patient asks the clinic to change the course: a new dose, a new weight, and/or a message."""

    dose_mg = FiniteDecimalField(
        "My new daily dose (mg)",
        places=None,
        validators=[
            Optional(),
            NumberRange(0, DAILY_DOSE_MAX_MG, f"Enter a daily dose from 0 to {DAILY_DOSE_MAX_MG:g} mg."),
        ],
        render_kw=_DECIMAL,
    )
    weight_kg = FiniteDecimalField(
        "My new weight (kg)",
        places=None,
        validators=[
            Optional(),
            NumberRange(
                *WEIGHT_KG_ALLOWED,
                f"Enter a weight from {WEIGHT_KG_ALLOWED[0]:g} to {WEIGHT_KG_ALLOWED[1]:g} kg.",
            ),
        ],
        render_kw=_DECIMAL,
    )
    message = TextAreaField(
        "Message",
        validators=[Length(max=MESSAGE_MAX, message=f"Keep the message to {MESSAGE_MAX} characters.")],
        description="For example: my dermatologist changed my dose on the phone.",
        render_kw={"maxlength": MESSAGE_MAX, "rows": 3},
    )

    def check_something_asked(self) -> bool:
        message = (self.message.data or "").strip()
        if self.dose_mg.data is None and self.weight_kg.data is None and not message:
            self.message.errors.append("Enter a new dose, a new weight or a message.")
            return False
        return True
