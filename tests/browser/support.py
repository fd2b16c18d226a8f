"""What the browser tests share: sizes, accounts, signing in, and the checks run on every page."""

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
from axe_playwright_python.base import AXE_FILE_PATH
from flask import Flask

from diary.auth.links import token_for
from diary.clinical.days import local_today
from diary.demo import CLINICIAN_EMAIL, DEMO_PASSWORD
from diary.extensions import db
from diary.models import Entry, User
from diary.notify.links import unsubscribe_token

HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE / "screenshots"

# The sizes the issue names: two phones for patient pages, a monitor and a tablet for clinician pages.
PHONE_SIZES = [(360, 740), (390, 844)]
DESK_SIZES = [(1280, 800), (768, 1024)]
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
PHONE_TIMEZONE = "America/Chicago"
MIN_TARGET = 44  # CSS px: WCAG 2.5.5 (AAA) and the design's "44px tap targets"
MIN_STEP_WIDTH = 30  # CSS px: a step of a 0–10 scale, eleven in one row at 360 px (44 px high all the same)
MIN_INPUT_FONT = 16  # px: below this, phone browsers zoom into the field

# Accounts: the demo's own, plus ones the suite makes so tests that write never disturb each other.
PASSWORD = DEMO_PASSWORD
# Sam: months of diary, a self-harm answer 3 days ago, shares with the demo clinician.
PATIENT_EMAIL = "sam@patient.example"
# Jordan: can get pregnant (iPLEDGE tests and contraception), shares with the demo clinician.
PREGNANCY_EMAIL = "jordan@patient.example"
NEW_PATIENT_EMAIL = "new@patient.example"  # no course, no entries
NO_JS_EMAIL = "nojs@patient.example"
KEYBOARD_EMAIL = "keys@patient.example"
WEIGHT_EMAIL = "weight@patient.example"
WRITER_EMAIL = "writer@patient.example"
CRISIS_EMAIL = "crisis@patient.example"
CHANGED_EMAIL = "changed@patient.example"  # shares with the demo clinician, then takes an answer back
UNVERIFIED_EMAIL = "unconfirmed@patient.example"  # has not opened the emailed link yet
KEPT_EMAIL = "kept@patient.example"  # stays signed in on a phone
PHOTOS_EMAIL = "photos@patient.example"  # takes skin photos and shares them with the demo clinician
OFFLINE_EMAIL = "offline@patient.example"  # saves days with no connection
TAPS_EMAIL = "taps@patient.example"  # logs a typical day, counting taps
ERRORS_EMAIL = "errors@patient.example"  # sends a day the diary refuses
SIGN_OUT_EMAIL = "leaving@patient.example"  # signs out, and the phone forgets
NEW_CLINICIAN_EMAIL = "new@clinic.example"  # a clinician who has not set up the second step yet
OWN_ACCOUNTS = [
    NEW_PATIENT_EMAIL,
    UNVERIFIED_EMAIL,
    NO_JS_EMAIL,
    KEYBOARD_EMAIL,
    WEIGHT_EMAIL,
    WRITER_EMAIL,
    CRISIS_EMAIL,
    CHANGED_EMAIL,
    KEPT_EMAIL,
    PHOTOS_EMAIL,
    OFFLINE_EMAIL,
    TAPS_EMAIL,
    ERRORS_EMAIL,
    SIGN_OUT_EMAIL,
]
ROLE_EMAILS = {
    "patient": PATIENT_EMAIL,
    "new_patient": NEW_PATIENT_EMAIL,
    "unverified": UNVERIFIED_EMAIL,
    "writer": WRITER_EMAIL,
    "can_get_pregnant": PREGNANCY_EMAIL,
    "clinician": CLINICIAN_EMAIL,
    # Signed in with the password only: what the second step's pages look like.
    "clinician_code": CLINICIAN_EMAIL,
    "clinician_setup": NEW_CLINICIAN_EMAIL,
}


@dataclass
class Site:
    """The running server and what tests need to know about its data."""

    app: Flask
    base_url: str
    ids: dict[str, int]
    clinic_code: str
    errors: list[BaseException] = field(default_factory=list)

    def today(self) -> date:
        return local_today(self.app.config["DEFAULT_TIMEZONE"])

    def placeholders(self) -> dict[str, str]:
        """Values for the `{name}` slots of page paths (see pages.py)."""
        return {
            "patient_id": str(self.ids[PATIENT_EMAIL]),
            "clinic_code": self.clinic_code,
            "pregnancy_patient_id": str(self.ids[PREGNANCY_EMAIL]),
            "yesterday": (self.today() - timedelta(days=1)).isoformat(),
            "closed_day": (self.today() - timedelta(days=30)).isoformat(),
            **self._links(),
        }

    def _links(self) -> dict[str, str]:
        """The emailed links of the account that has not confirmed its address (valid until used)."""
        with self.app.test_request_context():
            user = db.session.scalar(db.select(User).where(User.email == UNVERIFIED_EMAIL))
            links = {
                "reset_token": token_for(user, "reset"),
                "verify_token": token_for(user, "verify"),
                "unsubscribe_token": unsubscribe_token(user.id, "daily_log"),
            }
            db.session.remove()
            return links


def context_options(size: tuple[int, int], **extra) -> dict:
    """Context settings for a size: phones get touch, a phone user agent and a patient's time zone."""
    width, height = size
    options = {"viewport": {"width": width, "height": height}, "locale": "en-US"}
    if width < 600:
        options |= {
            "is_mobile": True,
            "has_touch": True,
            "user_agent": PHONE_UA,
            "timezone_id": PHONE_TIMEZONE,
        }
    return options | extra


def sign_in(page, email: str, password: str = PASSWORD, app: Flask | None = None, keep: bool = False) -> None:
    """Sign in through the form, as a person would; with `app`, a clinician then types the code their
    authenticator app shows (computed from the account's key). `keep`: "keep me signed in" ticked."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    if keep:
        page.get_by_label("Keep me signed in on this phone").check()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"sign-in as {email} failed"
    if app is not None:
        code = current_code(app, email)
        if code is not None:
            page.goto("/two-factor")
            page.get_by_label("Code").fill(code)
            page.get_by_role("button", name="Continue").click()
            page.wait_for_load_state()
            assert "/two-factor" not in page.url, f"second step as {email} failed"


def current_code(app: Flask, email: str) -> str | None:
    """What the clinician's authenticator app shows now (None without a key), usable again at once: the
    last step used is forgotten, as if the sign-in before were 30 seconds ago."""
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        if user is None or not user.totp_secret:
            db.session.remove()
            return None
        user.totp_last_step = None
        db.session.commit()
        code = pyotp.TOTP(user.totp_secret).now()
        db.session.remove()
        return code


# Runs before any page script: the page's own CSP reports land here (an init script is not subject to CSP).
CSP_LISTENER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${where}`);
}, true);
"""


class Watch:
    """Listens to a page: console errors, uncaught exceptions, CSP violations and every request it makes."""

    def __init__(self, page, origin: str) -> None:
        self.page = page
        self.origin = origin
        self.console: list[str] = []
        self.requests: list[str] = []
        page.add_init_script(CSP_LISTENER)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console.append(f"uncaught: {error}"))
        page.on("request", lambda request: self.requests.append(request.url))

    def _console(self, message) -> None:
        if message.type == "error":
            self.console.append(f"{message.text} ({message.location.get('url', '')})")

    def problems(self, expected_status: int = 200) -> list[str]:
        """Console errors, CSP violations, and requests to anywhere but the site itself."""
        found = []
        for line in self.console:
            # A page answered with its intended error status logs that status once; nothing else is allowed.
            if expected_status >= 400 and f"status of {expected_status}" in line:
                continue
            found.append(f"console: {line}")
        found += [f"CSP: {line}" for line in self.page.evaluate("window.__csp || []")]
        found += [f"request leaves the origin: {url}" for url in self.requests if not self.same_origin(url)]
        return found

    def same_origin(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("data", "blob") or f"{parts.scheme}://{parts.netloc}" == self.origin


LAYOUT_JS = (HERE / "layout.js").read_text(encoding="utf-8")


def layout_problems(page, width: int) -> list[str]:
    """Sideways scrolling, small tap targets, small input text and overlapping controls on the current page.

    Measured scrolled to the end, where a sticky bar sits in its own place instead of floating over the form.
    """
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    problems = page.evaluate(
        LAYOUT_JS,
        {
            "viewportWidth": width,
            "minTarget": MIN_TARGET,
            "minFont": MIN_INPUT_FONT,
            "minStepWidth": MIN_STEP_WIDTH,
        },
    )
    page.evaluate("window.scrollTo(0, 0)")
    return problems


# Lazy images load only near the viewport: ask for them all, wait, then check each one.
IMAGES_JS = """async () => {
  const images = [...document.images];
  images.forEach((img) => { img.loading = 'eager'; });
  await Promise.all(images.map((img) => img.decode().catch(() => null)));
  return images.flatMap((img) => {
    const problems = [];
    const name = img.getAttribute('src');
    if (!(img.getAttribute('alt') || '').trim() && img.getAttribute('role') !== 'presentation') {
      problems.push(`image without a text alternative: ${name}`);
    }
    if (!img.complete || img.naturalWidth === 0) problems.push(`image did not load: ${name}`);
    return problems;
  });
}"""


def image_problems(page) -> list[str]:
    """Every image (charts above all) carries text and actually loads."""
    return page.evaluate(IMAGES_JS)


AXE_SOURCE = AXE_FILE_PATH.read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page, rules: list[str] | None = None) -> list[str]:
    """axe-core's WCAG 2.1 AA violations on the current page (or only `rules`), one line per element.

    The script is evaluated through the DevTools protocol, which the page's CSP does not govern, so no
    inline script or CSP exception is needed.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    run_only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": AXE_TAGS}
    result = page.evaluate("(runOnly) => axe.run(document, {runOnly, resultTypes: ['violations']})", run_only)
    lines = []
    for violation in result["violations"]:
        for node in violation["nodes"]:
            summary = (node.get("failureSummary") or "").strip().splitlines()
            lines.append(
                f"{violation['id']} ({violation['impact']}): {' '.join(map(str, node['target']))}"
                f" — {summary[-1].strip() if summary else violation['help']} [{node['html'][:120]}]"
            )
    return lines


def screenshot(page, name: str, full_page: bool = True) -> Path:
    """A PNG in tests/browser/screenshots/ (not committed) for a person to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if not full_page:
        page.screenshot(path=str(path))
        return path
    # Scrolled to the end, a sticky Save bar is drawn in its own place rather than across the form.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.screenshot(path=str(path), full_page=True)
    page.evaluate("window.scrollTo(0, 0)")
    return path


# The service worker is running and keeps the day form this page shows.
WORKER_READY_JS = """async () => {
  await navigator.serviceWorker.ready;
  for (let i = 0; i < 100; i++) {
    if (await caches.match(location.pathname, {cacheName: 'diary-days-v1'})) return true;
    await new Promise((done) => setTimeout(done, 50));
  }
  return false;
}"""


def entries(site: Site, email: str) -> list[dict]:
    """Every day the account has logged, as stored: {"day": …, answers …}."""
    with site.app.app_context():
        rows = db.session.scalars(db.select(Entry).where(Entry.patient_id == site.ids[email]))
        found = [{"day": entry.day, **entry.values()} for entry in rows]
        db.session.remove()
    return found


def pretty(problems: list[str]) -> str:
    return json.dumps(problems, indent=2, ensure_ascii=False)
