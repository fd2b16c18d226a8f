"""What only a browser shows: the time zone taken from the phone at registration (a select without
JavaScript), and the notifications switch offered where the browser can push, explained where it cannot."""

from diary.extensions import db
from diary.models import User

PHONE = (390, 844)
PASSWORD = "a phone in one hand"


def register(page, email: str, zone: str | None = None) -> None:
    page.goto("/register")
    if zone:
        page.get_by_label("Time zone").select_option(zone)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").tap()
    page.get_by_role("heading", name="Check your email").wait_for()


def zone_of(site, email: str) -> str:
    with site.app.app_context():
        zone = db.session.scalar(db.select(User.timezone).where(User.email == email))
        db.session.remove()
    return zone


def test_registration_takes_the_phones_time_zone_and_without_javascript_offers_a_choice(site, new_context):
    page = new_context(PHONE, timezone_id="Europe/Helsinki").new_page()
    page.goto("/register")
    assert page.get_by_label("Time zone").input_value() == "Europe/Helsinki"
    register(page, "helsinki@patient.example")
    assert zone_of(site, "helsinki@patient.example") == "Europe/Helsinki"

    plain = new_context(PHONE, timezone_id="Europe/Helsinki", java_script_enabled=False).new_page()
    plain.goto("/register")
    assert plain.get_by_label("Time zone").input_value() == ""
    register(plain, "lisbon@patient.example", "Europe/Lisbon")
    assert zone_of(site, "lisbon@patient.example") == "Europe/Lisbon"


def test_the_notifications_switch_is_offered_with_javascript_and_explained_without(new_context):
    page = new_context(PHONE, "patient").new_page()
    page.goto("/reminders")
    page.get_by_role("button", name="Turn on notifications here").wait_for()
    assert page.get_by_role("button", name="Turn off notifications here").is_hidden()
    assert page.get_by_text("Email reminders work without it").is_hidden()

    plain = new_context(PHONE, "patient", java_script_enabled=False).new_page()
    plain.goto("/reminders")
    assert plain.get_by_text("Turning notifications on needs JavaScript").is_visible()
    assert plain.get_by_role("button", name="Turn on notifications here").is_hidden()
    assert plain.get_by_role("button", name="Save reminders").is_visible()
