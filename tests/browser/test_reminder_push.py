"""The service worker's side of reminders (Web Push): a push shows its title and body, never more; a push
without a readable payload still reminds; a tap opens a page of the diary, never another site."""

import json

import pytest

from .support import OFFLINE_EMAIL

# The notifications the worker shows, once there is one (it shows them in its own time).
NOTIFICATIONS_JS = """async () => {
  const registration = await navigator.serviceWorker.ready;
  for (let i = 0; i < 400; i++) {  // up to 20 s on a loaded machine
    const shown = await registration.getNotifications();
    if (shown.length) return shown.map((one) => ({title: one.title, body: one.body, url: one.data.url}));
    await new Promise((done) => setTimeout(done, 50));
  }
  return [];
}"""


@pytest.mark.parametrize(
    ("payload", "shown"),
    [
        (
            {"title": "Your diary", "body": "A minute for today?"},
            ("Your diary", "A minute for today?", "/today"),
        ),
        ({"title": "Check-in", "body": "", "url": "/checkin"}, ("Check-in", "", "/checkin")),
        ({"title": "Hi", "url": "https://elsewhere.example/"}, ("Hi", "", "/today")),
        ({"title": "Hi", "url": "//elsewhere.example/"}, ("Hi", "", "/today")),
        (None, ("Time for your diary", "", "/today")),
        ("not json", ("Time for your diary", "", "/today")),
    ],
)
def test_a_push_shows_its_title_and_body(site, new_context, payload, shown):
    context = new_context((390, 844), OFFLINE_EMAIL)
    context.grant_permissions(["notifications"])
    page = context.new_page()
    page.goto("/history")  # any page of a patient registers the worker
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    devtools = context.new_cdp_session(page)
    registrations = []
    devtools.on(
        "ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"])
    )
    devtools.send("ServiceWorker.enable")
    for _ in range(200):  # the registration is reported once DevTools listens (up to 20 s when loaded)
        if any(not one["isDeleted"] for one in registrations):
            break
        page.wait_for_timeout(100)
    [registration] = [one for one in registrations if not one["isDeleted"]]
    data = payload if isinstance(payload, str) else json.dumps(payload) if payload else ""
    devtools.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": site.base_url, "registrationId": registration["registrationId"], "data": data},
    )
    [notification] = page.evaluate(NOTIFICATIONS_JS)
    assert (notification["title"], notification["body"], notification["url"]) == shown
