"""The access sweep: every URL rule, as every role, against a table of expected outcomes.

HOW TO ADD A PAGE: add one line to EXPECTED for its endpoint, with the outcome of each method the rule
accepts, for (anonymous, patient A, patient B, A's clinician, another clinician):
    200 / 422 / 404 / 400 …  the status code;
    LOGIN                    a redirect to the sign-in page;
    to("/path")              any other redirect, to that path.
GET runs with no query string (unless QUERY gives one) and must change no stored row; POST sends a valid CSRF
token and an otherwise empty form (so a form page answers 422, and nothing changes), as the owner (patient A)
last. Give each URL parameter a real value in PARAMS (patient A's data) and, if it names a row by id, values
that belong to nobody signed in here in FORGED. A rule missing from EXPECTED, a method missing from its line,
or a parameter missing from PARAMS fails the sweep.
"""

import re
from datetime import timedelta

import pytest
from conftest import csrf_token, today, yesterday
from security_world import ROLES, XSS, World, snapshot

from config import TestingConfig
from diary import create_app

LOGIN = "sign-in"


def to(path: str) -> str:
    return f"redirect {path}"


HOME_P, HOME_C = to("/today"), to("/clinic/")
# fmt: off
EXPECTED = {
    # endpoint:              {method: (anonymous, patient A, patient B, A's clinician, other clinician)}
    "account.account":        {"GET": (LOGIN, 200, 200, 200, 200), "POST": (LOGIN, 422, 422, 422, 422)},
    "account.delete_account": {"POST": (LOGIN, 422, 422, 404, 404)},
    "account.update_identity": {"POST": (LOGIN, 422, 422, 404, 404)},  # a name is required
    "account.change_timezone": {"POST": (LOGIN, 422, 422, 422, 422)},
    # Patient A's other device (the owner's own session is not ended by the sweep).
    "account.sign_out_device": {"POST": (LOGIN, to("/account"), 404, 404, 404)},
    "account.sign_out_everywhere": {"POST": (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN)},
    "account.export_csv":     {"GET": (LOGIN, 200, 200, 404, 404)},
    "account.export_json":    {"GET": (LOGIN, 200, 200, 404, 404)},
    "account.export_zip":     {"GET": (LOGIN, 200, 200, 404, 404)},
    "auth.login":             {"GET": (200, HOME_P, HOME_P, HOME_C, HOME_C), "POST": (422, HOME_P, HOME_P, HOME_C, HOME_C)},  # noqa: E501
    "auth.logout":            {"POST": (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN)},
    # Clinicians here have passed the second factor already: sent on to their patients.
    "auth.second_factor":     {"GET": (LOGIN, 404, 404, HOME_C, HOME_C), "POST": (LOGIN, 404, 404, HOME_C, HOME_C)},  # noqa: E501
    "auth.second_factor_setup": {"GET": (LOGIN, 404, 404, HOME_C, HOME_C), "POST": (LOGIN, 404, 404, HOME_C, HOME_C)},  # noqa: E501
    "auth.second_factor_qr":  {"GET": (LOGIN, 404, 404, 404, 404)},
    "auth.register":          {"GET": (200, HOME_P, HOME_P, HOME_C, HOME_C), "POST": (422, HOME_P, HOME_P, HOME_C, HOME_C)},  # noqa: E501
    "auth.forgot":            {"GET": (200, HOME_P, HOME_P, HOME_C, HOME_C), "POST": (422, HOME_P, HOME_P, HOME_C, HOME_C)},  # noqa: E501
    # Patient D's link, whoever opens it (emailed links work without signing in); an empty password: 422.
    "auth.reset_password":    {"GET": (200, 200, 200, 200, 200), "POST": (422, 422, 422, 422, 422)},
    # Patient D's link: the first to press the button (anonymous, sent to sign in) uses it up.
    "auth.verify_email":      {"GET": (200, 200, 200, 200, 200), "POST": (LOGIN, 404, 404, 404, 404)},
    "auth.resend_verification": {"POST": (LOGIN, to("/sharing"), to("/sharing"), 404, 404)},  # A, B confirmed
    "care.add_pregnancy_test": {"POST": (LOGIN, 422, 404, 404, 404)},  # B has no course
    "care.checkin":           {"GET": (LOGIN, 200, 200, 404, 404), "POST": (LOGIN, 422, 422, 404, 404)},
    "care.course":            {"GET": (LOGIN, 200, 200, 404, 404), "POST": (LOGIN, 403, 422, 404, 404)},  # A shares: the clinic's course  # noqa: E501
    "care.request_change":    {"POST": (LOGIN, 422, 404, 404, 404)},  # B shares with nobody: edits the course
    "care.progress":          {"GET": (LOGIN, 200, 200, 404, 404)},
    "clinic.edit_course":     {"GET": (LOGIN, 404, 404, 200, 404), "POST": (LOGIN, 404, 404, 422, 404)},
    "clinic.decide_change_request": {"POST": (LOGIN, 404, 404, 400, 404)},
    "clinic.new_appointment": {"GET": (LOGIN, 404, 404, 200, 404), "POST": (LOGIN, 404, 404, 422, 404)},
    "clinic.patient_list":    {"GET": (LOGIN, 404, 404, 200, 200)},
    "clinic.review":          {"GET": (LOGIN, 404, 404, 200, 404)},
    "clinic.chart":           {"GET": (LOGIN, 404, 404, 200, 404)},
    "clinic.report":          {"GET": (LOGIN, 404, 404, 200, 404)},
    # Patient A's shared photo (a private one: test_a_private_photo_reaches_only_its_owner).
    "clinic.photo":           {"GET": (LOGIN, 404, 404, 200, 404)},
    "clinic.photo_thumbnail": {"GET": (LOGIN, 404, 404, 200, 404)},
    "care.chart":             {"GET": (LOGIN, 200, 200, 404, 404)},
    "clinic.acknowledge_flag": {"POST": (LOGIN, 404, 404, 400, 404)},
    "clinic.undo_flag_ack":   {"POST": (LOGIN, 404, 404, 400, 404)},
    "clinic.set_record_number": {"POST": (LOGIN, 404, 404, 400, 404)},  # no field at all: not from the page
    "log.day":                {"GET": (LOGIN, 200, 200, 404, 404), "POST": (LOGIN, 422, 422, 404, 404)},
    "log.history":            {"GET": (LOGIN, 200, 200, 404, 404)},
    "log.index":              {"GET": (LOGIN, HOME_P, HOME_P, HOME_C, HOME_C)},
    "log.today":              {"GET": (LOGIN, 200, 200, 404, 404), "POST": (LOGIN, 422, 422, 404, 404)},
    "photos.photos":          {"GET": (LOGIN, 200, 200, 404, 404)},
    "photos.upload":          {"POST": (LOGIN, 400, 400, 404, 404)},  # no view: not a form the page sends
    "photos.image":           {"GET": (LOGIN, 200, 404, 404, 404)},
    "photos.thumbnail":       {"GET": (LOGIN, 200, 404, 404, 404)},
    "photos.share":           {"POST": (LOGIN, 400, 404, 404, 404)},  # the empty form says neither way
    "photos.share_all":       {"POST": (LOGIN, 400, 400, 404, 404)},
    "photos.delete":          {"POST": (LOGIN, to("/photos"), 404, 404, 404)},
    "public.crisis":          {"GET": (200, 200, 200, 200, 200)},
    # An empty form turns every reminder off: a valid choice.
    "reminders.reminders":    {"GET": (LOGIN, 200, 200, 404, 404), "POST": (LOGIN, to("/reminders"), to("/reminders"), 404, 404)},  # noqa: E501
    "reminders.subscribe_push": {"POST": (LOGIN, 400, 400, 404, 404)},  # no subscription in the body
    "reminders.unsubscribe_push": {"POST": (LOGIN, 400, 400, 404, 404)},  # no endpoint in the body
    "reminders.new_calendar_link": {"POST": (LOGIN, 200, 200, 404, 404)},  # the new link, shown once
    "reminders.revoke_calendar_link": {"POST": (LOGIN, to("/reminders"), to("/reminders"), 404, 404)},
    # Patient A's calendar link and unsubscribe link: whoever holds one gets what it gives (no session).
    "reminders.calendar_feed": {"GET": (200, 200, 200, 200, 200)},
    "reminders.unsubscribe":  {"GET": (200, 200, 200, 200, 200), "POST": (200, 200, 200, 200, 200)},
    "public.healthz":         {"GET": (200, 200, 200, 200, 200)},
    "public.offline":         {"GET": (200, 200, 200, 200, 200)},
    "public.service_worker":  {"GET": (200, 200, 200, 200, 200)},
    "sharing.confirm_share":  {"POST": (LOGIN, 400, 400, 404, 404)},
    "sharing.sharing":        {"GET": (LOGIN, 200, 200, 404, 404), "POST": (LOGIN, 422, 422, 404, 404)},
    "sharing.stop_sharing":   {"POST": (LOGIN, to("/sharing"), 404, 404, 404)},
    "static":                 {"GET": (200, 200, 200, 200, 200)},
}
# fmt: on

# URL parameters, filled with patient A's real data (the world is built in tests/security_world.py).
PARAMS = {
    "patient_id": lambda w: w.a,
    "share_id": lambda w: w.share_a,
    "request_id": lambda w: w.request_a,
    "day": lambda w: yesterday().isoformat(),
    "name": lambda w: "mood",
    "filename": lambda w: "css/app.css",
    "reset_token": lambda w: w.reset_token,
    "verify_token": lambda w: w.verify_token,
    "device_id": lambda w: w.device_a,
    "feed_token": lambda w: w.feed_token,
    "unsubscribe_token": lambda w: w.unsubscribe_token,
    "photo_id": lambda w: w.photo_a,
}
# Query strings a page needs to show something (else it is tried without one).
QUERY = {
    "clinic.chart": lambda w: {
        "start": (today() - timedelta(days=30)).isoformat(),
        "end": today().isoformat(),
    },
    "care.chart": lambda w: {"start": (today() - timedelta(days=30)).isoformat(), "end": today().isoformat()},
}
# Ids that exist but belong to nobody signed in here (or to no row at all): every role must get 404.
FORGED = {
    "patient_id": lambda w: [w.b, 10**6],
    "share_id": lambda w: [w.share_c, 10**6],
    "request_id": lambda w: [w.request_c, 10**6],
    "device_id": lambda w: [w.device_c, 10**6],
    "photo_id": lambda w: [w.photo_c, 10**6],
}
# POST as the owner last: it may change what the others would see.
POST_ORDER = ("anonymous", "patient_b", "clinician_x", "clinician_a", "patient_a")
# Files with no one's data, revalidated rather than never stored: static files, the service worker's script.
FILES = ("static", "public.service_worker")
CSP = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"


def _rules():
    return sorted(create_app(TestingConfig).url_map.iter_rules(), key=lambda rule: rule.endpoint)


RULES = _rules()


def outcome(response) -> int | str:
    """A status code, or where a redirect leads."""
    if response.status_code in (301, 302, 303, 307, 308):
        path = response.headers["Location"].split("?")[0]
        path = re.sub(r"^https?://[^/]+", "", path)
        return LOGIN if path == "/login" else to(path)
    return response.status_code


def check_response(response, endpoint: str) -> None:
    """What every response must carry, whatever the page or the role."""
    headers = response.headers
    assert headers["Content-Security-Policy"] == CSP, endpoint
    assert headers["X-Content-Type-Options"] == "nosniff", endpoint
    assert headers["Referrer-Policy"] == "same-origin", endpoint
    if endpoint not in FILES:
        assert "no-store" in headers.get("Cache-Control", ""), endpoint
    if response.mimetype == "text/html":
        html = response.get_data(as_text=True)
        assert XSS not in html, f"{endpoint}: diary text reached the page unescaped"
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"{endpoint}: inline script"
        assert not re.search(r"\sstyle=", html), f"{endpoint}: style attribute"


def comparable(response) -> str:
    """The page without what changes on every response: the incident id and the signed CSRF token."""
    page = re.sub(r"<code>\w+</code>", "", response.get_data(as_text=True))
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", page)


def url_for_rule(world: World, rule, overrides: dict | None = None) -> str:
    values = {}
    for name in rule.arguments:
        if overrides and name in overrides:
            values[name] = overrides[name]
            continue
        assert name in PARAMS, f"{rule.endpoint}: add a value for URL parameter {name!r} to PARAMS"
        values[name] = PARAMS[name](world)
    query = QUERY[rule.endpoint](world) if rule.endpoint in QUERY else {}
    with world.app.test_request_context():
        return world.app.url_for(rule.endpoint, **values, **query)


def request_as(world: World, role: str, method: str, url: str):
    """The response, read and closed (a static file's handle must not outlive the test)."""
    client = world.client(role)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data={"csrf_token": csrf_token(client)})
    response.get_data()
    response.close()
    return response


def test_every_rule_is_in_the_table():
    missing = sorted({rule.endpoint for rule in RULES} - set(EXPECTED))
    assert not missing, f"add these endpoints to EXPECTED in tests/test_access.py: {missing}"


def test_the_table_has_no_stale_lines():
    stale = sorted(set(EXPECTED) - {rule.endpoint for rule in RULES})
    assert not stale, f"these endpoints no longer exist; remove them from EXPECTED: {stale}"


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.endpoint)
def test_each_role_gets_the_expected_answer(world, rule):
    assert rule.endpoint in EXPECTED, f"add {rule.endpoint} to EXPECTED in tests/test_access.py"
    expected = EXPECTED[rule.endpoint]
    methods = sorted(rule.methods & {"GET", "POST"})
    assert set(expected) == set(methods), f"{rule.endpoint}: give outcomes for exactly {methods}"
    url = url_for_rule(world, rule)
    got = {}
    before = snapshot(world.app)
    if "GET" not in methods:
        for role in ROLES:
            response = request_as(world, role, "GET", url)
            check_response(response, rule.endpoint)
            assert response.status_code == 405, (rule.endpoint, role)
    for method in methods:
        for role in POST_ORDER if method == "POST" else ROLES:
            response = request_as(world, role, method, url)
            check_response(response, rule.endpoint)
            got[method, role] = outcome(response)
        if method == "GET":
            assert snapshot(world.app) == before, f"{rule.endpoint}: GET changed stored data"
    wanted = {(method, role): expected[method][ROLES.index(role)] for method in methods for role in ROLES}
    assert got == wanted


FORGEABLE = [rule for rule in RULES if set(rule.arguments) & set(FORGED)]


def test_every_id_parameter_has_forged_values():
    for rule in RULES:
        for name, converter in rule._converters.items():
            if type(converter).__name__ == "IntegerConverter":
                assert name in FORGED, f"{rule.endpoint}: add forged values for {name!r} to FORGED"


@pytest.mark.parametrize("rule", FORGEABLE, ids=lambda rule: rule.endpoint)
def test_forged_ids_look_exactly_like_missing_ones(world, rule):
    """Someone else's row and no row at all: the same 404 page, for every role and method."""
    for name in set(rule.arguments) & set(FORGED):
        bodies: dict[tuple[str, str], set[str]] = {}
        for forged in FORGED[name](world):
            url = url_for_rule(world, rule, {name: forged})
            for method in sorted(rule.methods & {"GET", "POST"}):
                for role in ROLES:
                    response = request_as(world, role, method, url)
                    check_response(response, rule.endpoint)
                    assert outcome(response) == (LOGIN if role == "anonymous" else 404), (url, method, role)
                    if role != "anonymous":  # (its redirect names the page it came from)
                        bodies.setdefault((method, role), set()).add(comparable(response))
        differing = [key for key, pages in bodies.items() if len(pages) > 1]
        assert not differing, f"{rule.endpoint}: someone else's {name} answers unlike a missing one"


@pytest.mark.parametrize("impossible", [2**31, 2**63, 2**64])
def test_ids_beyond_the_id_columns_are_missing_for_everyone(world, impossible):
    """No row has such an id, and the database would refuse to compare one: 404 for everyone, never a 5xx."""
    for rule in FORGEABLE:
        url = url_for_rule(world, rule, dict.fromkeys(set(rule.arguments) & set(FORGED), impossible))
        for role in ROLES:
            for method in ("GET", "POST"):
                allowed = method in rule.methods
                assert request_as(world, role, method, url).status_code == (404 if allowed else 405), url


PHOTO_RULES = [rule for rule in RULES if "photo_id" in rule.arguments]


@pytest.mark.parametrize("rule", PHOTO_RULES, ids=lambda rule: rule.endpoint)
def test_a_private_photo_reaches_only_its_owner(world, rule):
    """Patient A's private photo, by every photo route as every role: its owner alone sees it (and may
    change it); A's own clinician gets 404 like everyone else."""
    url = url_for_rule(world, rule, {"photo_id": world.photo_a_private})
    owner_reads = rule.endpoint in ("photos.image", "photos.thumbnail")
    for method in sorted(rule.methods & {"GET", "POST"}):
        for role in POST_ORDER:
            response = request_as(world, role, method, url)
            check_response(response, rule.endpoint)
            if role == "anonymous":
                assert outcome(response) == LOGIN
            elif role == "patient_a" and owner_reads:
                assert response.status_code == 200 and response.mimetype == "image/jpeg"
            elif role == "patient_a" and rule.endpoint.startswith("photos."):
                assert response.status_code in (302, 400), (rule.endpoint, response.status_code)
            else:
                assert response.status_code == 404, (rule.endpoint, method, role)


# POSTs that carry no CSRF token by design, each with why that is safe.
CSRF_EXEMPT = {
    # RFC 8058: a mail program POSTs "List-Unsubscribe=One-Click" with no session; the signed link is the
    # proof, and all it can do is stop one kind of reminder email (tests/test_send_reminders.py).
    "reminders.unsubscribe",
}
POST_RULES = [rule for rule in RULES if "POST" in rule.methods and rule.endpoint not in CSRF_EXEMPT]


@pytest.mark.parametrize("rule", POST_RULES, ids=lambda rule: rule.endpoint)
def test_every_post_without_a_valid_csrf_token_is_refused_and_changes_nothing(world, rule):
    url = url_for_rule(world, rule)
    before = snapshot(world.app)
    someone_elses = csrf_token(world.client("patient_b"))
    for role in ROLES:
        client = world.client(role)
        for data in (
            {},
            {"csrf_token": "forged"},
            {"csrf_token": someone_elses if role != "patient_b" else "x"},
        ):
            response = client.post(url, data=data)
            check_response(response, rule.endpoint)
            assert response.status_code == 400, (role, data)
    assert snapshot(world.app) == before
