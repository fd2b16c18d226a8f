"""Offline on a 390×844 phone (DESIGN.md "Offline"): a day saved with no connection waits on the phone and is
stored once when the connection returns; the day form opens with no connection; a copy the diary refuses
stays on the phone with the reason; signing out leaves nothing behind."""

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

from playwright.sync_api import expect

from .support import (
    ERRORS_EMAIL,
    OFFLINE_EMAIL,
    SIGN_OUT_EMAIL,
    WORKER_READY_JS,
    Watch,
    entries,
    pretty,
    screenshot,
    sign_in,
)
from .test_patient_day import tap_step

PHONE = (390, 844)

# What this phone keeps: the service worker's caches, its registrations, and the days in IndexedDB.
KEPT_JS = """async () => ({
  caches: await caches.keys(),
  workers: (await navigator.serviceWorker.getRegistrations()).length,
  databases: (await indexedDB.databases()).map((db) => db.name),
})"""

# A copy kept on the phone long ago, as offline.js keeps one, made from this page's form.
OLD_COPY_JS = """async ({day, madeAt, owner}) => {
  const form = document.querySelector('form.entry');
  const body = new URLSearchParams(new FormData(form));
  body.set('day', day);
  body.set('mood', '5');
  const user = owner || document.querySelector('script[data-user]').dataset.user;
  const item = {key: user + '/' + day, user, day, url: '/day/' + day, body: body.toString(), savedAt: madeAt,
                state: 'waiting', message: ''};
  await new Promise((done, fail) => {
    const opening = indexedDB.open('diary', 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore('days', {keyPath: 'key'});
    opening.onsuccess = () => {
      const tx = opening.result.transaction('days', 'readwrite');
      tx.objectStore('days').put(item);
      tx.oncomplete = () => { opening.result.close(); done(); };
      tx.onerror = () => fail(tx.error);
    };
  });
}"""


def test_a_day_saved_with_no_connection_waits_on_the_phone_and_is_stored_once(site, new_context):
    context = new_context(PHONE, OFFLINE_EMAIL)
    page = context.new_page()
    watch = Watch(page, site.base_url)
    page.goto("/today")
    assert page.evaluate(WORKER_READY_JS), "the service worker did not keep the day form"

    context.set_offline(True)
    tap_step(page, "Lips", 3)
    tap_step(page, "Mood", 6)
    page.get_by_role("button", name="Save today").tap()
    waiting = page.get_by_text("Waiting to send — saved on this phone")
    expect(waiting).to_be_visible()
    expect(page.locator("#on-this-phone")).to_be_focused()
    expect(page.get_by_role("button", name="Save today")).to_be_enabled()  # to save it again, changed
    assert entries(site, OFFLINE_EMAIL) == []
    screenshot(page, "offline-waiting-390x844", full_page=False)

    # Still with no connection, the app opens again: the kept form, the copy waiting in it.
    failed = []
    context.on("requestfailed", lambda request: failed.append(request.url))
    response = page.reload()
    assert response.from_service_worker and f"{site.base_url}/today" in failed  # the network was tried first
    expect(waiting).to_be_visible()
    assert page.locator("input[name=lips][value='3']").is_checked()
    assert page.locator("input[name=mood][value='6']").is_checked()

    context.set_offline(False)
    expect(page.get_by_text(re.compile("^Sent: .* is saved"))).to_be_visible(timeout=15_000)
    [entry] = entries(site, OFFLINE_EMAIL)
    assert (entry["day"], entry["lips"], entry["mood"]) == (site.today(), 3, 6)

    page.reload()  # the next open sends nothing again
    page.wait_for_load_state("networkidle")
    expect(waiting).to_have_count(0)
    assert len(entries(site, OFFLINE_EMAIL)) == 1
    assert not watch.problems(), pretty(watch.problems())


def test_a_copy_the_diary_refuses_stays_on_the_phone_with_the_reason(site, new_context):
    """A copy made nine days ago (its day now closed), and a copy overtaken by a newer save from another
    device: both refused, said so, kept until discarded; nothing stored from them, never a server error."""
    phone = new_context(PHONE, ERRORS_EMAIL)
    page = phone.new_page()
    watch = Watch(page, site.base_url)
    page.goto("/today")
    assert page.evaluate(WORKER_READY_JS)
    old_day = site.today() - timedelta(days=9)
    page.evaluate(OLD_COPY_JS, {"day": old_day.isoformat(), "madeAt": 0})

    # Today, saved with no connection; then saved again on a laptop before the phone is back online.
    phone.set_offline(True)
    tap_step(page, "Mood", 2)
    page.get_by_role("button", name="Save today").tap()
    expect(page.get_by_text(f"{site.today().strftime('%a %-d %b')}: Waiting to send")).to_be_visible()
    laptop = new_context((1280, 800), ERRORS_EMAIL).new_page()
    laptop.goto("/today")
    laptop.locator("fieldset.scale", has_text="Mood").locator("label.step").nth(8).click()
    with laptop.expect_navigation():
        laptop.get_by_role("button", name="Save today").click()
    phone.set_offline(False)

    refused = page.locator("#on-this-phone li", has_text="could not be sent")
    expect(refused).to_have_count(2, timeout=15_000)
    old = refused.filter(has_text=old_day.strftime("%a %-d %b"))
    expect(old).to_contain_text("Days more than 7 days ago can no longer be added or changed.")
    newer = refused.filter(has_text="The newer save is kept")
    expect(newer).to_contain_text("after this copy was made on your phone")
    screenshot(page, "offline-refused-390x844", full_page=False)
    [entry] = entries(site, ERRORS_EMAIL)
    assert (entry["day"], entry["mood"]) == (site.today(), 8)  # the newer save won

    # Still there when the app opens again; what each holds can be read, and each can be discarded.
    page.reload()
    expect(refused).to_have_count(2)
    old.get_by_text("What this copy holds").tap()
    expect(old.locator("details")).to_contain_text("mood: 5")
    newer.get_by_role("button", name="Put this copy in the form").tap()
    assert page.locator("input[name=mood][value='2']").is_checked()
    for left in (1, 0):
        refused.first.get_by_role("button", name="Discard this copy").tap()
        expect(refused).to_have_count(left)
    page.reload()
    expect(page.get_by_text("could not be sent")).to_have_count(0)
    refusals = (
        f"status of 422 (UNPROCESSABLE ENTITY) ({site.base_url}/day/{old_day}",
        "status of 409 (CONFLICT)",
    )
    problems = [line for line in watch.problems() if not any(refusal in line for refusal in refusals)]
    assert not problems, pretty(problems)


def test_signing_out_leaves_nothing_of_the_diary_on_the_phone(site, new_context):
    context = new_context(PHONE)
    page = context.new_page()
    sign_in(page, SIGN_OUT_EMAIL)
    page.goto("/today")
    assert page.evaluate(WORKER_READY_JS)
    page.evaluate(OLD_COPY_JS, {"day": site.today().isoformat(), "madeAt": 0})
    page.evaluate("() => indexedDB.open('other-site-data')")  # (to show storage is cleared as a whole)
    kept = page.evaluate(KEPT_JS)
    assert kept["caches"] and kept["workers"] == 1 and "diary" in kept["databases"]

    # The sign-out's Clear-Site-Data header alone (no script of ours runs): Chromium clears it all.
    page.evaluate(
        """async () => {
          const token = document.querySelector('input[name=csrf_token]').value;
          await fetch('/logout', {method: 'POST', body: new URLSearchParams({csrf_token: token})});
        }"""
    )
    assert page.evaluate(KEPT_JS) == {"caches": [], "workers": 0, "databases": []}

    # And through the Sign out button (header and script together), once a copy waits to send: it is
    # sent first, then everything goes.
    sign_in(page, SIGN_OUT_EMAIL)
    page.goto("/today")
    assert page.evaluate(WORKER_READY_JS)
    context.set_offline(True)
    tap_step(page, "Mood", 4)
    page.get_by_role("button", name="Save today").tap()
    expect(page.get_by_text("Waiting to send — saved on this phone")).to_be_visible()
    context.set_offline(False)
    page.get_by_role("button", name="Sign out").tap()
    page.wait_for_url("**/login")
    assert page.evaluate(KEPT_JS) == {"caches": [], "workers": 0, "databases": []}
    assert [entry["mood"] for entry in entries(site, SIGN_OUT_EMAIL)] == [4]

    # Signed out and with no connection, no day form opens from the phone.
    context.set_offline(True)
    try:
        response = page.goto("/today")
    except Exception:  # noqa: BLE001 - Chromium's own "no connection" page: nothing was kept
        response = None
    assert response is None or "form" not in (page.content() if response else "")
    context.set_offline(False)


def test_a_signed_out_phone_drops_the_kept_day_forms(site, new_context):
    """A session that ended elsewhere (or expired): the first sign-in page the worker fetches drops them."""
    context = new_context(PHONE, OFFLINE_EMAIL)
    page = context.new_page()
    page.goto("/today")
    assert page.evaluate(WORKER_READY_JS)
    context.clear_cookies()
    page.goto("/today")
    assert urlsplit(page.url).path == "/login"
    dropped = page.evaluate(
        """async () => {
          for (let i = 0; i < 100; i++) {
            if (!(await caches.keys()).includes('diary-days-v1')) return true;
            await new Promise((done) => setTimeout(done, 50));
          }
          return false;
        }"""
    )
    assert dropped
    assert page.evaluate("caches.has('diary-shell-v1')")  # the shell (no one's data) stays


def test_a_save_that_gets_no_answer_is_kept_and_sent_later(site, new_context):
    """A connection that says it is there but carries nothing: the save goes out, never arrives, and the day
    is kept on the phone instead of lost; the next open sends it."""
    context = new_context(PHONE, OFFLINE_EMAIL)
    page = context.new_page()
    watch = Watch(page, site.base_url)
    day = site.today() - timedelta(days=2)
    page.goto(f"/day/{day.isoformat()}")
    assert page.evaluate(WORKER_READY_JS)
    lost = []

    def drop(route) -> None:
        if route.request.method == "POST" and not route.request.headers.get("accept", "").startswith(
            "application/json"
        ):
            lost.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    context.route(f"**/day/{day.isoformat()}", drop)  # the form's own POST is lost; the queue's goes through
    tap_step(page, "Skin", 5)
    page.get_by_role("button", name=f"Save {day.strftime('%a %-d %b')}").tap()
    expect(page.get_by_text(re.compile("^Sent: .* is saved"))).to_be_visible(timeout=15_000)
    assert lost, "the form's POST was not sent"
    assert [entry["skin"] for entry in entries(site, OFFLINE_EMAIL) if entry["day"] == day] == [5]
    lost_post = f"Failed to load resource: net::ERR_CONNECTION_RESET ({site.base_url}/day/{day.isoformat()})"
    problems = [line for line in watch.problems() if lost_post not in line]
    assert not problems, pretty(problems)


def test_a_day_form_kept_from_an_earlier_day_fills_in_the_phones_today(site, new_context):
    """Opened with no connection the next morning: the kept /today is yesterday's page, so the form moves
    to today and starts blank (the prescription stays)."""
    context = new_context(PHONE, SIGN_OUT_EMAIL)
    page = context.new_page()
    page.goto("/today")
    assert page.evaluate(WORKER_READY_JS)
    kept_day = page.locator("input[name=day]").input_value()
    context.set_offline(True)
    tomorrow = f"{date.fromisoformat(kept_day) + timedelta(days=1)}T09:00:00"
    page.clock.set_fixed_time(tomorrow)  # the phone's clock, the next morning
    page.reload()
    expect(page.get_by_text(re.compile("^No connection: this form was kept from"))).to_be_visible()
    assert page.locator("input[name=day]").input_value() == tomorrow[:10]
    assert page.locator("input[name=day]").get_attribute("max") == tomorrow[:10]
    assert not page.locator("form.entry input[type=radio][name=mood]:checked").count()
    assert page.locator("input[name=sunburn][value=none]").is_checked()
    context.set_offline(False)


def test_a_warning_sign_saved_with_no_connection_gets_its_advice_at_once(site, new_context):
    """Safety does not wait for the connection: the crisis resources show when the day is kept, and the
    diary's own advice once it is sent. An ordinary save afterwards leaves nothing waiting."""
    context = new_context(PHONE, OFFLINE_EMAIL)
    page = context.new_page()
    watch = Watch(page, site.base_url)
    day = site.today() - timedelta(days=3)
    page.goto(f"/day/{day.isoformat()}")
    assert page.evaluate(WORKER_READY_JS)
    context.set_offline(True)
    page.get_by_text("Thoughts of harming myself").tap()
    page.get_by_role("button", name=f"Save {day.strftime('%a %-d %b')}").tap()
    kept = page.locator("#on-this-phone")
    expect(kept.get_by_text("This has not reached your clinic yet")).to_be_visible()
    expect(kept.locator(".crisis a[href='tel:988']")).to_be_visible()
    expect(kept.locator(".crisis a[href='tel:911']")).to_be_visible()

    context.set_offline(False)
    expect(kept.get_by_text(re.compile("^Sent: "))).to_be_visible(timeout=15_000)
    expect(kept.locator(".crisis h2")).to_have_text(
        "If you are thinking about harming yourself, please reach out now"
    )
    assert [entry["self_harm_thoughts"] for entry in entries(site, OFFLINE_EMAIL) if entry["day"] == day] == [
        True
    ]

    page.goto(f"/day/{day.isoformat()}")
    page.get_by_text("Thoughts of harming myself").tap()  # taken back, online this time
    with page.expect_navigation():
        page.get_by_role("button", name=f"Save {day.strftime('%a %-d %b')}").tap()
    expect(page.get_by_role("heading", name="Saved")).to_be_visible()
    page.goto("/today")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#on-this-phone")).to_have_count(0)
    assert [entry["self_harm_thoughts"] for entry in entries(site, OFFLINE_EMAIL) if entry["day"] == day] == [
        False
    ]
    assert not watch.problems(), pretty(watch.problems())


def test_a_copy_kept_for_another_account_is_neither_shown_nor_sent(site, new_context):
    """A phone shared by two patients, whose first session ended without signing out: the second sees
    nothing of the first's unsent day, and it never lands in the second's diary."""
    page = new_context(PHONE, ERRORS_EMAIL).new_page()
    page.goto("/today")
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    day = site.today() - timedelta(days=4)
    someone_else = str(site.ids[OFFLINE_EMAIL])
    page.evaluate(OLD_COPY_JS, {"day": day.isoformat(), "madeAt": 0, "owner": someone_else})
    before = entries(site, ERRORS_EMAIL)
    page.reload()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#on-this-phone")).to_have_count(0)
    assert entries(site, ERRORS_EMAIL) == before
    assert day not in [entry["day"] for entry in entries(site, OFFLINE_EMAIL)]
    kept = page.evaluate(
        """() => new Promise((done) => {
          const opening = indexedDB.open('diary', 1);
          opening.onsuccess = () => {
            const all = opening.result.transaction('days').objectStore('days').getAll();
            all.onsuccess = () => done(all.result.map((item) => [item.user, item.state]));
          };
        })"""
    )
    assert kept == [[someone_else, "waiting"]]
