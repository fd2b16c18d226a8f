"""/today beyond looks: keyboard alone, no JavaScript, and the weight of everything it loads."""

import gzip

from diary.extensions import db
from diary.models import Entry

from .support import KEYBOARD_EMAIL, NO_JS_EMAIL, PHONE_SIZES, WEIGHT_EMAIL, WORKER_READY_JS, Watch, sign_in

DESK = (1280, 800)
WEIGHT_LIMIT = 30 * 1024  # bytes, compressed: DESIGN.md "Qualities"
CONTROLS = "form.entry input:not([type=hidden]), form.entry select, form.entry textarea, form.entry button"


def stored_today(site, email: str) -> dict | None:
    with site.app.app_context():
        entry = db.session.scalar(
            db.select(Entry).where(Entry.patient_id == site.ids[email], Entry.day == site.today())
        )
        values = entry.values() if entry else None
        db.session.remove()
    return values


# One key per thing Tab stops at: a radio group is one stop (arrow keys move inside it).
KEY_JS = """(el) => el.type === 'radio' ? 'radio:' + el.name
    : el.tagName === 'BUTTON' ? 'button:' + el.innerText.trim() : (el.name || el.id || el.tagName)"""


def focused(page) -> dict:
    return page.evaluate(
        f"""() => {{
          const el = document.activeElement;
          const ring = el.type === 'radio' ? el.nextElementSibling : el;  // a step shows focus on its label
          return {{name: el.name || '', id: el.id || '', key: ({KEY_JS})(el),
                   outline: getComputedStyle(ring).outlineStyle}};
        }}"""
    )


def tab_to(page, name: str, limit: int = 120) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["name"] == name or now["id"] == name:
            return now
    raise AssertionError(f"Tab never reached {name}")


def test_keyboard_reaches_every_control_and_operates_the_scales(site, new_context):
    page = new_context(DESK, KEYBOARD_EMAIL).new_page()
    page.goto("/today")
    unlabelled = page.eval_on_selector_all(
        CONTROLS,
        """(els) => els.filter((el) => !(el.labels && el.labels.length)
            && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby')
            && !(el.tagName === 'BUTTON' && el.innerText.trim())).map((el) => el.outerHTML)""",
    )
    assert not unlabelled, unlabelled
    wanted = set(page.eval_on_selector_all(CONTROLS, f"(els) => els.map({KEY_JS})"))
    reached = []
    for _ in range(150):
        page.keyboard.press("Tab")
        reached.append(focused(page)["key"])
        if reached[-1] == "button:Save today":
            break
    assert wanted <= set(reached), f"never reached by Tab: {sorted(wanted - set(reached))}"

    page.goto("/today")
    lips = tab_to(page, "lips")
    assert lips["outline"] != "none", "the focused scale step shows no focus ring"
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    tab_to(page, "nosebleed")
    page.keyboard.press("Space")
    tab_to(page, "mood")
    page.keyboard.press("Space")  # the first step, 0 ...
    for _ in range(7):
        page.keyboard.press("ArrowRight")  # ... then along to 7
    page.keyboard.press("ArrowLeft")  # and back to 6
    assert page.locator("input[name=lips][value='3']").is_checked()
    assert page.locator("input[name=mood][value='6']").is_checked()
    tab_to(page, "notes")
    page.keyboard.type("Typed with the keyboard.")
    with page.expect_navigation():
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # the Save button follows the notes
    assert page.get_by_role("heading", name="Saved").is_visible()
    values = stored_today(site, KEYBOARD_EMAIL)
    assert (values["lips"], values["mood"], values["nosebleed"]) == (3, 6, True)
    assert values["notes"] == "Typed with the keyboard."


def test_today_saves_without_javascript(site, new_context):
    page = new_context(PHONE_SIZES[0], java_script_enabled=False).new_page()
    sign_in(page, NO_JS_EMAIL)
    page.goto("/today")
    page.locator("fieldset.scale", has_text="Lips").locator("label.step").nth(4).tap()
    page.locator("fieldset.scale", has_text="Mood").locator("label.step").nth(7).tap()
    page.get_by_text("Sunscreen SPF 30+ applied").tap()
    with page.expect_navigation():
        page.get_by_role("button", name="Save today").tap()
    assert page.get_by_role("heading", name="Saved").is_visible()
    values = stored_today(site, NO_JS_EMAIL)
    assert (values["lips"], values["mood"], values["sunscreen"]) == (4, 7, True)


def test_today_and_everything_it_loads_weigh_under_30_kb_from_one_origin(site, new_context):
    """A first visit, the service worker's own downloads (its script, what it keeps for offline) included."""
    context = new_context(PHONE_SIZES[1], WEIGHT_EMAIL)
    page = context.new_page()
    watch = Watch(page, site.base_url)
    responses = []
    context.on("response", lambda response: responses.append(response))  # the page's and the worker's
    page.goto("/today")
    page.wait_for_load_state("networkidle")
    assert page.evaluate(WORKER_READY_JS), "the service worker did not keep the day form"
    page.wait_for_load_state("networkidle")
    weights = {}
    for response in responses:
        if response.from_service_worker:
            continue  # handed to the page by the worker: counted where the worker fetched it
        sizes = response.request.sizes()
        size = 0
        if sizes["responseBodySize"] > 0:  # a body came over the network (not a 304, not the browser's cache)
            # (Playwright cannot read back a few of the worker's bodies: fetched again here to weigh them.)
            body = response.body() or context.request.get(response.url).body()
            encoded = response.headers.get("content-encoding") in ("gzip", "br", "deflate")
            # Measured as sent when the server compresses; otherwise as gzip would send it.
            size = len(body) if encoded else len(gzip.compress(body, compresslevel=6))
        weights[response.url] = weights.get(response.url, 0) + size + max(sizes["responseHeadersSize"], 0)
    total = sum(weights.values())
    assert any(url.endswith("/today") for url in weights)
    assert total < WEIGHT_LIMIT, f"{total} bytes: {weights}"
    assert not watch.problems(), watch.problems()
