"""Staying signed in on a phone: closing and reopening the browser keeps a patient signed in only when
they ticked "keep me signed in". Reopening is a new context from the saved storage state, less the cookies
a browser forgets when it closes (those without an expiry)."""

from .support import KEPT_EMAIL, PHONE_SIZES, context_options, sign_in


def reopened(browser, site, state: dict, size):
    """A new browser context as after closing and reopening the browser: session cookies are gone."""
    kept = {**state, "cookies": [c for c in state["cookies"] if c.get("expires", -1) > 0]}
    return browser.new_context(base_url=site.base_url, storage_state=kept, **context_options(size))


def test_keep_me_signed_in_survives_closing_the_browser_and_without_it_nothing_does(
    browser, site, new_context
):
    size = PHONE_SIZES[0]
    for keep in (True, False):
        context = new_context(size)
        page = context.new_page()
        sign_in(page, KEPT_EMAIL, keep=keep)
        state = context.storage_state()
        context.close()
        again = reopened(browser, site, state, size)
        try:
            page = again.new_page()
            page.goto("/today")
            page.wait_for_load_state()
            if keep:
                assert page.url.endswith("/today"), page.url
                page.goto("/account")
                assert page.get_by_text("(this device)").is_visible()
            else:
                assert "/login" in page.url, page.url
        finally:
            again.close()
