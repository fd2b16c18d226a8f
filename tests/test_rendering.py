"""diary.rendering.field_options writes what WTForms writes, byte for byte, for every choice field in the app
(it exists because WTForms' per-option rendering was over a third of GET /today's time under load)."""

import contextlib
import importlib
import inspect
from datetime import date

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import RadioField, SelectMultipleField

from config import TestingConfig
from diary import create_app
from diary.rendering import field_options, html_params, render_field, render_label

FORM_MODULES = ["account", "auth", "care", "clinic", "log", "sharing"]


def all_fields() -> list[tuple[type, str]]:
    """(form class, field name) for every field of every form in the app."""
    found = []
    for name in FORM_MODULES:
        module = importlib.import_module(f"diary.{name}.forms")
        for _, form_class in inspect.getmembers(module, inspect.isclass):
            if issubclass(form_class, FlaskForm) and form_class.__module__ == module.__name__:
                found += [(form_class, n) for n, u in vars(form_class).items() if hasattr(u, "field_class")]
    return found


def choice_fields() -> list[tuple[type, str]]:
    return [
        (form_class, name)
        for form_class, name in all_fields()
        if issubclass(getattr(form_class, name).field_class, RadioField | SelectMultipleField)
    ]


@pytest.fixture(scope="module")
def app():
    config = type("NoCsrf", (TestingConfig,), {"WTF_CSRF_ENABLED": False})
    return create_app(config)


def make(form_class, formdata: MultiDict):
    """The form, given the keyword arguments its constructor asks for (`today` for dated forms)."""
    wanted = inspect.signature(form_class.__init__).parameters
    extra = {"today": date.today()} if "today" in wanted else {}
    return form_class(formdata=formdata, **extra)


def wtforms_options(field) -> list[tuple[str, str]]:
    return [(str(option()), option.label.text) for option in field]


def ours(field) -> list[tuple[str, str]]:
    return [(str(markup), label) for markup, label in field_options(field)]


def test_the_app_has_the_choice_fields_this_test_is_about():
    names = {name for _, name in choice_fields()}
    assert {"lips", "mood", "sunburn", "skin_severity", "symptoms", "pregnancy_test_result"} <= names


@pytest.mark.parametrize(
    ("form_class", "field_name"), choice_fields(), ids=lambda v: getattr(v, "__name__", v)
)
def test_every_option_renders_exactly_as_wtforms_does(app, form_class, field_name):
    with app.test_request_context(method="POST"):
        empty = make(form_class, MultiDict())
        field = getattr(empty, field_name)
        assert ours(field) == wtforms_options(field)
        values = [str(choice.value) for choice in field._iter_choices_normalized()]
        for value in [*values, "not-a-choice", ""]:
            form = make(form_class, MultiDict([(field_name, value)]))
            form.validate()  # with errors where the value is bad: flags and render_kw must still agree
            field = getattr(form, field_name)
            assert ours(field) == wtforms_options(field), value
        if isinstance(field, SelectMultipleField):
            form = make(form_class, MultiDict([(field_name, v) for v in values[:3]]))
            field = getattr(form, field_name)
            assert ours(field) == wtforms_options(field)


def test_attribute_values_are_escaped_like_wtforms():
    from wtforms.widgets.core import html_params as wtforms_html_params

    attrs = {"data_note": 'say "hi" & <go>', "checked": True, "disabled": False, "id": "x-1", "value": 3}
    assert html_params(attrs) == str(wtforms_html_params(**attrs))


SUBMITTED = ["", "0", "7", "40.5", "-3", "1e400", "abc", "2026-11-20", "20-11-2026", "y", '"><script>']


@pytest.mark.parametrize(("form_class", "field_name"), all_fields(), ids=lambda v: getattr(v, "__name__", v))
def test_remembered_inputs_and_labels_are_exactly_what_wtforms_writes(app, form_class, field_name):
    """Number, date and checkbox inputs come from a cache keyed by what WTForms reads: the markup must not
    change for any state of the field (first render a miss, the second a hit), nor for extra attributes."""
    with app.test_request_context(method="POST"):
        states = [MultiDict()] + [MultiDict([(field_name, value)]) for value in SUBMITTED]
        for formdata in states * 2:
            form = make(form_class, formdata)
            with contextlib.suppress(AttributeError):  # validators that read the signed-in user
                form.validate()
            field = getattr(form, field_name)
            assert str(render_label(field)) == str(field.label())
            for attrs in ({}, {"min": "2026-11-20", "aria-describedby": "x-error"}, {"type": "number"}):
                assert str(render_field(field, **attrs)) == str(field(**attrs)), (formdata, attrs)


def test_free_text_and_passwords_are_never_remembered(app):
    """Only short values (numbers, dates, checkboxes) go in the cache: never notes or a password typed."""
    from diary.auth.forms import LoginForm
    from diary.log.forms import EntryForm
    from diary.rendering import _rendered

    with app.test_request_context(method="POST"):
        secret = "correct horse battery staple"
        login = LoginForm(formdata=MultiDict({"email": "a@b.example", "password": secret}))
        entry = EntryForm(formdata=MultiDict({"notes": "private note", "dose_mg": "40"}))
        for field in (login.email, login.password, entry.notes, entry.dose_mg):
            render_field(field)
        remembered = repr(list(_rendered.items.items()))
        assert (
            secret not in remembered and "private note" not in remembered and "a@b.example" not in remembered
        )
        assert 'value="40"' in remembered


def test_options_html_is_each_option_in_its_label_one_per_line(app):
    from diary.log.forms import EntryForm
    from diary.rendering import options_html

    with app.test_request_context(method="POST"):
        form = EntryForm(
            formdata=MultiDict([("mood", "7"), ("symptoms", "vision"), ("symptoms", "headache")])
        )
        for field, cls in ((form.mood, "step"), (form.symptoms, "choice"), (form.sunburn, "choice")):
            expected = "\n".join(
                f'<label class="{cls}">{i}<span>{label}</span></label>' for i, label in ours(field)
            )
            assert str(options_html(field, cls)) == expected
            assert str(options_html(field, cls)) == expected  # remembered
        assert str(options_html(form.mood, "step")).count(" checked") == 1
