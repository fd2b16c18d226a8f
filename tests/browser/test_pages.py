"""Every page of both roles, at the sizes its people use: layout, console, CSP, axe-core, and a screenshot."""

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound

from .pages import NOT_PAGE_PARTS, NOT_PAGE_SUFFIXES, NOT_PAGES, PAGES, Page
from .support import Watch, axe_violations, image_problems, layout_problems, pretty, screenshot

SIZED = [
    pytest.param(page, size, id=f"{page.name}-{size[0]}x{size[1]}") for page in PAGES for size in page.sizes
]
BY_NAME = [pytest.param(page, id=page.name) for page in PAGES]


def open_page(site, new_context, page: Page, size: tuple[int, int], **options):
    """Open one page of the table as its role at a size; skips a page whose route does not exist yet."""
    path = page.path.format(**site.placeholders())
    if page.status == 200 and not _routed(site, path):
        pytest.skip(f"{path} has no route yet")
    tab = new_context(size, page.role, **options).new_page()
    watch = Watch(tab, site.base_url)
    response = tab.goto(path)
    if page.submit:
        assert response.status == 200, f"{path} answered {response.status}"
        response = submit(tab, page, site.placeholders())
    assert response.status == page.status, f"{path} answered {response.status}"
    assert "/login" not in tab.url or page.role == "anonymous", f"{path} sent {page.role} to sign in"
    return tab, watch


def submit(tab, page: Page, placeholders: dict[str, str]):
    """Fill in the page's form as the table says and send it; returns the response to the POST."""
    for selector, value in page.fill:
        field = tab.locator(selector)
        if value is True:
            field.check()
        else:
            field.fill(value.format(**placeholders))
    with tab.expect_navigation() as navigation:
        tab.get_by_role("button", name=page.submit, exact=True).click()
    return navigation.value


def _routed(site, path: str) -> bool:
    adapter = site.app.url_map.bind("localhost")
    try:
        adapter.match(path.split("?")[0], method="GET")
    except (NotFound, MethodNotAllowed):
        return False
    return True


@pytest.mark.parametrize(("page", "size"), SIZED)
def test_page_fits_and_is_clean(site, new_context, page: Page, size: tuple[int, int]):
    """No sideways scroll, 44 px targets, 16 px inputs, no overlaps, images with text, no console errors or
    CSP violations, nothing fetched from elsewhere."""
    tab, watch = open_page(site, new_context, page, size)
    problems = image_problems(tab)  # first: it loads every image, so the screenshot shows them
    screenshot(tab, f"{page.name}-{size[0]}x{size[1]}")
    problems += layout_problems(tab, size[0]) + watch.problems(page.status)
    assert not problems, pretty(problems)


@pytest.mark.parametrize("page", BY_NAME)
def test_page_has_no_axe_violations(site, new_context, page: Page):
    """axe-core finds nothing at WCAG 2.1 AA; in the dark colour scheme, contrast holds too."""
    tab, _ = open_page(site, new_context, page, page.sizes[0])
    violations = axe_violations(tab)
    tab.emulate_media(color_scheme="dark")
    violations += [f"dark: {line}" for line in axe_violations(tab, rules=["color-contrast"])]
    screenshot(tab, f"{page.name}-dark-{page.sizes[0][0]}x{page.sizes[0][1]}", full_page=False)
    assert not violations, pretty(violations)


def test_every_page_is_in_the_table(site):
    """A new page without a line in pages.py fails here, so the browser suite grows with the app."""
    adapter = site.app.url_map.bind("localhost")
    covered = set()
    for page in PAGES:
        path = page.path.format(**site.placeholders()).split("?")[0]
        try:
            covered.add(adapter.match(path, method="GET")[0])
        except (NotFound, MethodNotAllowed):
            continue
    missing = []
    for rule in site.app.url_map.iter_rules():
        is_page = (
            "GET" in rule.methods
            and rule.endpoint not in NOT_PAGES
            and not rule.rule.endswith(NOT_PAGE_SUFFIXES)
            and not any(part in rule.rule for part in NOT_PAGE_PARTS)
        )
        if is_page and rule.endpoint not in covered and rule.endpoint != "log.index":
            missing.append(f"{rule.rule} ({rule.endpoint})")
    assert not missing, "pages with no line in tests/browser/pages.py: " + ", ".join(sorted(missing))
