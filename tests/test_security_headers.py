"""Security headers on every kind of response, and templates that need no inline script or style.

Every page as every role is also checked by the access sweep (tests/test_access.py, check_response).
"""

import re
from pathlib import Path

import pytest
from conftest import PASSWORD, post

CSP = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
TEMPLATES = sorted((Path(__file__).parent.parent / "templates").rglob("*.html"))
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script> (CSP blocks it)"),
    (re.compile(r"<style\b", re.I), "<style> element (CSP blocks it)"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute (CSP blocks it)"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on*= event handler (CSP blocks it)"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"\|\s*safe\b|Markup\(|autoescape\s+false", re.I), "escaping switched off"),
]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_templates_need_no_inline_script_or_style(template):
    text = template.read_text()
    for pattern, what in INLINE:
        assert not pattern.search(text), f"{template.name}: {what}"


def assert_security_headers(response, *, https: bool = False) -> None:
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    if https:
        assert int(re.search(r"max-age=(\d+)", response.headers["Strict-Transport-Security"])[1]) >= 31536000
    else:
        assert "Strict-Transport-Security" not in response.headers


def test_pages_redirects_static_files_and_json_all_carry_the_headers(client):
    for url in ("/login", "/crisis", "/today", "/static/css/app.css", "/static/js/app.js", "/healthz"):
        response = client.get(url)
        assert_security_headers(response)
        response.close()


def test_error_pages_carry_the_headers(client):
    responses = [
        client.get("/no-such-page"),  # 404
        client.get("/logout"),  # 405
        client.post("/login", data={}),  # 400 (no CSRF token)
        client.post("/login", data={"x": "y" * (2 * 1024 * 1024)}),  # 413
    ]
    assert [r.status_code for r in responses] == [404, 405, 400, 413]
    for response in responses:
        assert_security_headers(response)
        assert response.headers["Cache-Control"] == "no-store"


def test_hsts_only_over_https(app):
    client = app.test_client()
    assert_security_headers(client.get("https://localhost/login"), https=True)
    assert_security_headers(client.get("https://localhost/no-such-page"), https=True)
    assert_security_headers(client.get("http://localhost/login"), https=False)


def test_pages_with_health_data_are_never_cached(app, patient_client):
    post(patient_client, "/today", {"day": "2000-01-01", "sunburn": "none"})
    for url in ("/today", "/history", "/export.csv", "/export.json", "/account"):
        response = patient_client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.headers["Cache-Control"], url


def test_static_files_are_not_marked_no_store(client):
    response = client.get("/static/css/app.css")
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_patient_password_never_appears_in_a_page(patient_client):
    for url in ("/today", "/account", "/history"):
        assert PASSWORD not in patient_client.get(url).get_data(as_text=True)
