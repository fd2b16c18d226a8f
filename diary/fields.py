"""Form fields the blueprints' forms share: a finite decimal and a choice of unit."""

from decimal import Decimal

from wtforms import DecimalField, RadioField, SelectChoice
from wtforms.validators import ValidationError


class FiniteDecimalField(DecimalField):
    """A decimal that refuses NaN and infinity (which would otherwise slip past NumberRange)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        # Only a submitted value is a Decimal; a field left out of the form keeps its (float) default.
        if valuelist and isinstance(self.data, Decimal) and not self.data.is_finite():
            self.data = None
            raise ValueError("Enter a number.")


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
