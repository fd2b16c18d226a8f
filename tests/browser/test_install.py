"""Installable: a web app manifest with a theme colour and icons, which Chromium itself accepts."""

import io
import json

from PIL import Image

from .support import PHONE_SIZES


def test_manifest_is_served_valid_and_complete(site, new_context):
    context = new_context(PHONE_SIZES[1])
    response = context.request.get("/static/manifest.webmanifest")
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(response.text())
    assert manifest["name"] and manifest["short_name"] and manifest["display"] == "standalone"
    assert manifest["start_url"] == "/today"
    page = context.new_page()
    page.goto("/login")
    assert manifest["theme_color"] == page.locator("meta[name=theme-color]").get_attribute("content")
    sizes = set()
    for icon in manifest["icons"]:
        served = context.request.get(icon["src"])
        assert served.status == 200, icon["src"]
        assert served.headers["content-type"].startswith(icon["type"]), icon
        if icon["type"] == "image/png":
            with Image.open(io.BytesIO(served.body())) as image:
                assert f"{image.width}x{image.height}" == icon["sizes"], icon
            sizes.add((icon["sizes"], icon.get("purpose", "any")))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes


def test_chromium_finds_the_app_installable(site, new_context):
    """Chromium's own installability check (the one behind "Add to home screen") reports nothing missing."""
    context = new_context(PHONE_SIZES[1], "patient")
    page = context.new_page()
    page.goto("/today")
    devtools = context.new_cdp_session(page)
    manifest = devtools.send("Page.getAppManifest")
    assert manifest["url"].endswith("/static/manifest.webmanifest")
    assert not manifest["errors"], manifest["errors"]
    errors = devtools.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Test contexts are incognito, which alone blocks installing; Chromium still lists every other problem.
    errors = [error for error in errors if error["errorId"] != "in-incognito"]
    assert not errors, errors
