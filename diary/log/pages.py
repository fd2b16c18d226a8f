"""A patient's day page (/today, /day/<date>) remembered per process under their data version.

The page is the diary's most opened, and patients reopen it to check or finish a day; everything on it comes
from rows that move the patient's `users.data_version` when they change (migration 0003: the day's entry,
the course, doses, check-ins, tests) or from the key itself (the day, today, the page). So it is kept, with
the session's CSRF token cut out, under (patient, data version, day, today, page) and served again with the
current token put back. A save, a clinician's change or a new day gives a new key: nothing is invalidated by
hand, and any number of app processes stay correct. Pages with a one-off message (a flash) are never kept.

It lives only in this process's memory, is never written anywhere, and holds at most PAGES pages.
"""

from collections.abc import Callable, Hashable

from flask import session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from diary.memo import Memo, account_key, app_memo

PAGES = 512
# Where the token goes (a marker, not a secret). NUL can reach no page: every request carrying one is refused
# (diary.security).
TOKEN_SLOT = "\x00csrf-token\x00"  # noqa: S105  # nosec B105
PAGE_MEMO = "diary.day_pages"


def memo() -> Memo:
    return app_memo(PAGE_MEMO, PAGES)


def remembered_page(key: tuple[Hashable, ...], render: Callable[[], str], *, personal: bool = True) -> str:
    """The signed-in patient's page for `key` (the day, today, the endpoint): remembered, or rendered now.

    `personal=False` is for a page that `key` alone decides, with nothing of the patient's on it (the
    confirmation of a save: the date and which safety advice to show), remembered once for everyone.
    """
    if session.get("_flashes"):
        return render()
    token = generate_csrf()
    full_key = (*account_key(current_user), *key) if personal else ("shared", *key)
    page = memo().get(full_key)
    if page is None:
        html = render()
        if token not in html:
            return html  # nothing to put a fresh token back into: do not keep it
        page = memo().put(full_key, html.replace(token, TOKEN_SLOT))
    return page.replace(TOKEN_SLOT, token)
