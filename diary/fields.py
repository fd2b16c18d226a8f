"""Form fields the blueprints' forms share: a finite decimal, a choice of unit, and asking about a dose."""

from decimal import Decimal

from wtforms import DecimalField, IntegerField, RadioField, SelectChoice
from wtforms.validators import ValidationError


class FiniteDecimalField(DecimalField):
    """A decimal that refuses NaN and infinity (which would otherwise slip past NumberRange)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        # Only a submitted value is a Decimal; a field left out of the form keeps its (float) default.
        if valuelist and isinstance(self.data, Decimal) and not self.data.is_finite():
            self.data = None
            raise ValueError("Enter a number.")


class DoseConfirmation:
    """For a form with a `dose_confirmed` box: a dose that is unusual is not refused but asked about. The form
    comes back with the question beside the dose and the box; saved once the box is ticked. A ticked box with
    nothing to confirm is refused."""

    dose_question: str | None = None

    def confirm_dose(self, dose_field, question: str | None) -> bool:
        """Whether the dose may be kept, given the question its value calls for (None: nothing unusual)."""
        self.dose_question = question
        if question and not self.dose_confirmed.data:
            dose_field.errors.append(question)
            return False
        if not question and self.dose_confirmed.data:
            self.dose_confirmed.errors.append(
                "There is no unusual dose to confirm: untick this box and save again."
            )
            return False
        return True

    @property
    def asks_to_confirm(self) -> bool:
        """Whether the page shows the confirm box: a dose is asked about, or the box was ticked."""
        return bool(self.dose_question or self.dose_confirmed.data or self.dose_confirmed.errors)


class WholeNumberField(IntegerField):
    """An integer that refuses numbers too long to be meant (NumberRange would compare a 400-digit one as a
    float, and overflow), with the field's own message."""

    MAX_DIGITS = 15

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, int) and abs(self.data) >= 10**self.MAX_DIGITS:
            self.data = None
            raise ValueError("That number is far too large.")


class UnitField(RadioField):
    """A choice of unit, the first offered unless another is sent; anything not offered is refused with
    `message` (a value is never guessed into a unit)."""

    def __init__(self, label: str, units: list[SelectChoice], message: str, **kwargs):
        super().__init__(label, choices=units, default=units[0].value, **kwargs)
        self.message = message

    def process_formdata(self, valuelist) -> None:
        if valuelist and valuelist[0] != "":
            super().process_formdata(valuelist)

    def pre_validate(self, form) -> None:
        if self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(self.message)
