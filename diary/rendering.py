"""Rendering the options of a radio or checkbox-list field without building a WTForms field per option.

WTForms renders each option by constructing a Field for it (running its validators' flags) and formatting
every attribute through Markup: /today has 57 options, and that was over a third of the page's time under
load (bench/http.py). `field_options` writes the same markup, byte for byte (tests/test_rendering.py checks
it against WTForms for every choice field in the app), computing what the options share once per field.
"""

from markupsafe import Markup, escape
from wtforms.widgets.core import CheckboxInput, RadioInput, clean_key


def init_app(app) -> None:
    app.add_template_global(field_options)


def field_options(field) -> list[tuple[Markup, str]]:
    """(the option's <input>, its label text) for each option, exactly as `option()` and `option.label.text`.

    Only for the option widgets WTForms' own choice fields use (radio and checkbox); anything else is
    rendered by WTForms itself.
    """
    widget = field.option_widget
    if type(widget) not in (RadioInput, CheckboxInput):
        return [(option(), option.label.text) for option in field]
    shared = {clean_key(k): v for k, v in (field.render_kw or {}).items()}
    shared.setdefault("type", widget.input_type)
    flags = field.flags  # an option carries its field's validators, so its flags are the field's
    validation = {k: getattr(flags, k) for k in dir(flags) if k in widget.validation_attrs}
    radio = isinstance(widget, RadioInput)
    rendered = []
    for index, choice in enumerate(field._iter_choices_normalized()):
        attrs = dict(shared)
        attrs.setdefault("id", f"{field.id}-{index}")
        attrs.setdefault("value", str(choice.value))
        if choice.selected:
            if radio:
                attrs.setdefault("checked", True)
            else:
                attrs["checked"] = True
        for key, value in validation.items():
            if key not in attrs:
                attrs[key] = value() if callable(value) else value
        attrs["name"] = field.name
        label = choice.label or choice.value
        # Every value is escaped by html_params; keys come from the field definitions.
        rendered.append((Markup(f"<input {html_params(attrs)}>"), label))  # noqa: S704  # nosec B704
    return rendered


def html_params(attrs: dict) -> str:
    """wtforms.widgets.html_params, the same output: sorted, True bare, False left out, values escaped."""
    params = []
    for key, value in sorted(attrs.items()):
        key = clean_key(key)
        if value is True:
            params.append(key)
        elif value is not False:
            params.append(f'{key}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return " ".join(params)
