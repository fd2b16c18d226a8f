"""Form markup for the templates, the same byte for byte as WTForms writes it, remembered per field state.

WTForms renders each input through its widget, and each radio or checkbox option by constructing a Field for
it and formatting every attribute through Markup: /today has 57 options and a dozen inputs, and that was most
of the page's template time under load (bench/http.py). `render_field` and `render_label` ask WTForms on a
miss and remember the result for short values (numbers, dates, checkboxes: never free text or passwords);
`field_options` writes each option's <input> once per field state and `options_html` joins them into the
labels the macros show. tests/test_rendering.py compares every field of every form in the app with WTForms.
"""

import functools
from collections.abc import Sequence

from markupsafe import Markup, escape
from wtforms.widgets.core import CheckboxInput, DateInput, NumberInput, RadioInput, clean_key

from diary.memo import Memo

# Inputs whose markup is worth remembering: short values (numbers, dates, a checkbox), never free text or a
# password, so nothing a person typed in prose is kept in the cache.
_REMEMBERED_WIDGETS = (NumberInput, DateInput, CheckboxInput)


def init_app(app) -> None:
    app.add_template_global(options_html)
    app.add_template_global(render_field)
    app.add_template_global(render_label)


def render_field(field, **attrs) -> Markup:
    """`field(**attrs)`, remembered for number, date and checkbox inputs: the same markup, byte for byte.

    The key holds everything WTForms' widget reads (the widget object with its own settings, name, id, the
    value, whether it is checked, the validation flags, render_kw and the call's attributes), and a miss asks
    WTForms itself, so a remembered input is exactly what WTForms would write.
    """
    widget = field.widget
    if type(widget) not in _REMEMBERED_WIDGETS:
        return field(**attrs)
    flags = field.flags
    key = (
        widget,
        field.name,
        field.id,
        field._value(),
        bool(getattr(field, "checked", field.data)) if isinstance(widget, CheckboxInput) else None,
        getattr(field, "_datalist", None),
        tuple(sorted(vars(flags).items())),
        tuple(sorted((field.render_kw or {}).items())),
        tuple(sorted(attrs.items())),
    )
    try:
        return _rendered.get_or_compute(key, lambda: field(**attrs))
    except TypeError:  # an unhashable attribute value: nothing to remember
        return field(**attrs)


def render_label(field) -> Markup:
    """`field.label()`, remembered (a label's markup is its field id and its text)."""
    return _rendered.get_or_compute(("label", field.label.field_id, field.label.text), field.label)


_rendered = Memo(4096)


def options_html(field, label_class: str) -> Markup:
    """Every option as `<label class="…"><input …><span>label</span></label>`, one per line: what the scale
    and choice macros write, joined once per field state instead of looped over in the template."""
    options = field_options(field)
    try:
        key = ("options", label_class, tuple(options))
        return _rendered.get_or_compute(key, lambda: _join_options(options, label_class))
    except TypeError:
        return _join_options(options, label_class)


def _join_options(options, label_class: str) -> Markup:
    return Markup("\n").join(
        Markup('<label class="{}">{}<span>{}</span></label>').format(label_class, markup, label)
        for markup, label in options
    )


def field_options(field) -> Sequence[tuple[Markup, str]]:
    """(the option's <input>, its label text) for each option, exactly as `option()` and `option.label.text`.

    Only for the option widgets WTForms' own choice fields use (radio and checkbox); anything else is
    rendered by WTForms itself.
    """
    widget = field.option_widget
    if type(widget) not in (RadioInput, CheckboxInput):
        return [(option(), option.label.text) for option in field]
    shared = tuple(sorted((clean_key(k), v) for k, v in (field.render_kw or {}).items()))
    flags = field.flags  # an option carries its field's validators, so its flags are the field's
    validation = tuple((k, getattr(flags, k)) for k in dir(flags) if k in widget.validation_attrs)
    choices = tuple((str(c.value), c.label, c.selected) for c in field._iter_choices_normalized())
    try:
        return _options(type(widget), field.name, field.id, shared, validation, choices)
    except TypeError:  # an unhashable render_kw or flag value: render without the cache
        return _options.__wrapped__(type(widget), field.name, field.id, shared, validation, choices)


@functools.lru_cache(maxsize=1024)
def _options(widget_type, name, field_id, shared, validation, choices) -> tuple[tuple[Markup, str], ...]:
    """The options' markup for one state of a field: a day's form has a handful of states per field, so
    after the first requests each is a dictionary lookup."""
    radio = widget_type is RadioInput
    base = dict(shared)
    base.setdefault("type", widget_type.input_type)
    rendered = []
    for index, (value, label, selected) in enumerate(choices):
        attrs = dict(base)
        attrs.setdefault("id", f"{field_id}-{index}")
        attrs.setdefault("value", value)
        if selected:
            if radio:
                attrs.setdefault("checked", True)
            else:
                attrs["checked"] = True
        for key, flag in validation:
            if key not in attrs:
                attrs[key] = flag() if callable(flag) else flag
        attrs["name"] = name
        # Every value is escaped by html_params; keys come from the field definitions.
        rendered.append((Markup(f"<input {html_params(attrs)}>"), label or value))  # noqa: S704  # nosec B704
    return tuple(rendered)


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
