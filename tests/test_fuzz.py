"""Property-based fuzzing (Hypothesis): every form and every URL parameter, arbitrary values, never a 5xx,
and a rejected submission changes no stored row.

TO FUZZ A NEW FORM add one line to FORMS: (role, the page that shows the form, the form's action). The
fields are read from the rendered form, so new fields are fuzzed without touching this file. URL path
parameters come from the access sweep's rules; query parameters a page reads go in QUERY_PARAMS.
"""

import re
from html.parser import HTMLParser
from urllib.parse import quote, urlencode

import pytest
from conftest import csrf_token, yesterday
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from security_world import ROLES, SQL, XSS, snapshot
from test_access import PARAMS, QUERY, RULES, url_for_rule

FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# name: (role, page showing the form, the form's action); {a} is patient A's id, {day} an editable day,
# {reset} and {verify} patient D's emailed links, {r} patient A's open course change request,
# {device} patient A's other signed-in device.
FORMS = {
    "register": ("anonymous", "/register", "/register"),
    "login": ("anonymous", "/login", "/login"),
    "forgot": ("anonymous", "/forgot", "/forgot"),
    "reset_password": ("anonymous", "/reset/{reset}", "/reset/{reset}"),
    "verify_email": ("anonymous", "/verify/{verify}", "/verify/{verify}"),
    "today": ("patient_a", "/today", "/today"),
    "day": ("patient_a", "/day/{day}", "/day/{day}"),
    "course": ("patient_b", "/course", "/course"),  # B shares with nobody: the patient edits the course
    "course_change_request": ("patient_a", "/course", "/course/change-requests"),  # A shares: asks instead
    "pregnancy_test": ("patient_a", "/course", "/course/pregnancy-tests"),
    "checkin": ("patient_a", "/checkin", "/checkin"),
    "sharing": ("patient_b", "/sharing", "/sharing"),
    "appointment": (
        "clinician_a",
        "/clinic/patients/{a}/appointments/new",
        "/clinic/patients/{a}/appointments/new",
    ),
    "clinic_course": ("clinician_a", "/clinic/patients/{a}/course", "/clinic/patients/{a}/course"),
    "change_request_decision": (
        "clinician_a",
        "/clinic/patients/{a}/course",
        "/clinic/patients/{a}/change-requests/{r}",
    ),
    "acknowledge_flag": ("clinician_a", "/clinic/patients/{a}", "/clinic/patients/{a}/flags/acknowledge"),
    "undo_flag_ack": ("clinician_a", "/clinic/patients/{a}", "/clinic/patients/{a}/flags/undo"),
    "record_number": ("clinician_a", "/clinic/patients/{a}", "/clinic/patients/{a}/record-number"),
    "password": ("patient_b", "/account", "/account"),
    "identity": ("patient_b", "/account", "/account/identity"),
    "delete_account": ("patient_b", "/account", "/account/delete"),
    "second_factor": ("clinician_a_code", "/two-factor", "/two-factor"),
    "second_factor_setup": ("clinician_setup", "/two-factor/setup", "/two-factor/setup"),
    "sign_out_device": ("patient_a", "/account", "/account/devices/{device}/sign-out"),
    "sign_out_everywhere": ("patient_b", "/account", "/account/devices/sign-out-everywhere"),
}
# Query-string parameters pages read; every GET page is tried with each.
QUERY_PARAMS = ("page", "days", "window", "next", "from", "to", "chart", "filter", "q", "sort")

NASTY = [
    "", " ", "0", "-1", "1e309", "NaN", "-Infinity", "0x10", "1_000", "٣", "²",
    "2024-02-30", "9999-12-31", "0001-01-01", "24:00", "10000-01-01",
    SQL, XSS, "' OR 1=1 --", "\"; DROP TABLE users; --", "%s%s%n", "{{7*7}}", "../../etc/passwd",
    "\x00", "a\x00b", "\u202e", "\ufeff", "😀" * 300, "x" * 1001, "9" * 40,
]  # fmt: skip
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
NUMBERS = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)


class FormFields(HTMLParser):
    """The fields of the POST form with a given action, and the values its choices offer."""

    def __init__(self, page_url: str, action: str):
        super().__init__()
        self.page_url, self.action = page_url, action
        self.inside = False
        self.found = False
        self.fields: dict[str, list[str]] = {}
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.inside = (attrs.get("action") or self.page_url) == self.action and not self.found
            self.found = self.found or self.inside
        if not self.inside:
            return
        name = attrs.get("name")
        if tag in ("input", "textarea", "select") and name and name != "csrf_token":
            values = self.fields.setdefault(name, [])
            if attrs.get("value") is not None:
                values.append(attrs["value"])
            self.select = name if tag == "select" else None
        if tag == "option" and self.select and attrs.get("value") is not None:
            self.fields[self.select].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def form_fields(client, page: str, action: str) -> dict[str, list[str]]:
    parser = FormFields(page, action)
    parser.feed(client.get(page).get_data(as_text=True))
    assert parser.found, f"no POST form for {action} on {page}"
    return parser.fields


def values_for(offered: list[str]):
    """Anything at all, with the values the form offers mixed in so that some submissions succeed."""
    one = st.one_of(TEXT, NUMBERS, st.sampled_from(NASTY), *([st.sampled_from(offered)] if offered else []))
    return st.one_of(st.none(), one, st.lists(one, min_size=2, max_size=3))


def submission(fields: dict[str, list[str]]):
    return st.fixed_dictionaries({name: values_for(offered) for name, offered in fields.items()}).map(
        lambda data: {name: value for name, value in data.items() if value is not None}
    )


@pytest.mark.parametrize("form", FORMS, ids=str)
def test_fuzzing_a_form_never_fails_and_a_rejection_changes_nothing(world, form):
    values = {
        "a": world.a,
        "day": yesterday().isoformat(),
        "reset": world.reset_token,
        "verify": world.verify_token,
        "r": world.request_a,
        "device": world.device_a,
    }
    role, page, action = (part.format(**values) for part in FORMS[form])
    client = world.client(role)
    fields = form_fields(client, page, action)
    token = csrf_token(client, page)

    @FUZZ
    @given(data=submission(fields))
    def fuzz(data):
        # A new anonymous visitor each time: a successful registration must not sign the next example in.
        fresh = world.app.test_client() if role == "anonymous" else client
        # (A successful reset uses its link up: the page then has no form, but /login has the same token.)
        send_token = csrf_token(fresh, page, "/login") if role == "anonymous" else token
        before = snapshot(world.app)
        response = fresh.post(action, data={**data, "csrf_token": send_token})
        assert response.status_code < 500, (form, data)
        if response.status_code >= 400:
            assert snapshot(world.app) == before, f"{form}: a rejected submission changed stored data"

    fuzz()


def raw_url(world, rule, fuzzed: str, value: str) -> str:
    """The rule's URL with one parameter replaced by any text at all (url_for would refuse it)."""

    def fill(match: re.Match) -> str:
        name = match[1]
        return quote(value, safe="") if name == fuzzed else quote(str(PARAMS[name](world)), safe="/")

    query = urlencode(QUERY[rule.endpoint](world)) if rule.endpoint in QUERY else ""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", fill, rule.rule) + (f"?{query}" if query else "")


PATH_RULES = [rule for rule in RULES if rule.arguments and rule.endpoint != "static"]
GET_RULES = [rule for rule in RULES if "GET" in rule.methods and rule.endpoint != "static"]


@pytest.mark.parametrize("rule", PATH_RULES, ids=lambda rule: rule.endpoint)
def test_fuzzing_url_parameters_never_fails(world, rule):
    @settings(FUZZ, max_examples=25)
    @given(
        role=st.sampled_from(ROLES),
        name=st.sampled_from(sorted(rule.arguments)),
        value=st.one_of(TEXT.filter(bool), NUMBERS, st.sampled_from([v for v in NASTY if v])),
    )
    def fuzz(role, name, value):
        url = raw_url(world, rule, name, value)
        client = world.client(role)
        for method in sorted(rule.methods & {"GET", "POST"}):
            before = snapshot(world.app)
            if method == "GET":
                response = client.get(url)
                assert snapshot(world.app) == before, f"GET {url} changed stored data"
            else:
                response = client.post(url, data={"csrf_token": csrf_token(client)})
            response.close()
            assert response.status_code < 500, (method, url, role)

    fuzz()


@pytest.mark.parametrize("rule", GET_RULES, ids=lambda rule: rule.endpoint)
def test_fuzzing_query_parameters_never_fails(world, rule):
    @settings(FUZZ, max_examples=15)
    @given(
        role=st.sampled_from(ROLES),
        query=st.dictionaries(
            st.sampled_from(QUERY_PARAMS), st.one_of(TEXT, NUMBERS, st.sampled_from(NASTY)), min_size=1
        ),
    )
    def fuzz(role, query):
        base = url_for_rule(world, rule)
        url = base + ("&" if "?" in base else "?") + urlencode(query)
        before = snapshot(world.app)
        response = world.client(role).get(url)
        response.close()
        assert response.status_code < 500, (url, role)
        assert snapshot(world.app) == before, f"GET {url} changed stored data"

    fuzz()


# What the fuzzer found, kept as plain examples so that each stays fixed (role, method, URL, form, status).
FINDINGS = [
    (
        "patient_a",
        "/today",
        {"day": "0001-01-01", "sunburn": "none"},
        422,
    ),  # date underflow re-showing the form
    ("patient_a", "/day/0001-01-01", {"sunburn": "none"}, 422),
    ("patient_a", "/course/pregnancy-tests", {"test_day": "0", "result": "negative"}, 422),  # None > date
    ("patient_b", "/course", {"start_date": "2024-01-01"}, 422),  # a float default asked is_finite()
    ("patient_a", f"/sharing/{2**63}/stop", {}, 404),  # SQLite cannot bind the id
    (
        "clinician_a",
        f"/clinic/patients/{2**31}/flags/acknowledge",
        {},
        404,
    ),  # PostgreSQL: integer out of range
    (
        "anonymous",
        "/login",
        {"email": "a\x00b@example.com", "password": "x" * 10},
        400,
    ),  # PostgreSQL refuses NUL
    ("anonymous", "/login", {"email": "x" * 242 + "@e.com", "password": "x" * 10}, 401),  # key over 254 chars
]


@pytest.mark.parametrize(("role", "url", "data", "status"), FINDINGS, ids=[f[1][:30] for f in FINDINGS])
def test_what_the_fuzzer_found_stays_fixed(world, role, url, data, status):
    client = world.client(role)
    before = snapshot(world.app)
    assert client.post(url, data={**data, "csrf_token": csrf_token(client)}).status_code == status
    assert snapshot(world.app) == before
