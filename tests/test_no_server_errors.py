"""Inputs that used to answer 500 (or the wrong 4xx), each kept as a test: a header-splitting `next`, digits
that str.isdigit() accepts but int() refuses, numbers hundreds of digits long, HEAD like GET, and an
oversized body sent in chunks."""

import socket
import threading
from contextlib import closing

import pytest
from conftest import PASSWORD, csrf_token, login, post, today, yesterday
from werkzeug.serving import make_server

LONG_NUMBER = "9" * 400


def test_signing_in_with_a_header_splitting_next_lands_on_home(client, make_patient):
    make_patient()
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=/%0d%0aX: 1",
        data={"email": "pat@example.com", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/today"
    assert "X" not in response.headers


@pytest.mark.parametrize("days", ["²", "①", "٣", "1²"])
@pytest.mark.parametrize("page", ["", "/report.pdf"])
def test_days_that_only_look_like_digits_are_a_missing_page(
    client, make_patient, make_clinician, share, days, page
):
    patient = make_patient()
    clinician, _ = make_clinician()
    share(patient, clinician)
    login(client, "doc@example.com")
    response = client.get(f"/clinic/patients/{patient}{page}", query_string={"days": days})
    assert response.status_code == 404


# fmt: off
@pytest.mark.parametrize(
    ("role", "url", "fields"),
    [
        ("patient", "/today", {"day": "TODAY", "sunburn": "none", "dose_mg": LONG_NUMBER}),
        ("patient", "/today", {"day": "TODAY", "sunburn": "none", "sun_minutes": LONG_NUMBER}),
        ("patient", "/today", {"day": "TODAY", "sunburn": "none", "new_spots": LONG_NUMBER}),
        ("patient", "/today", {"day": "TODAY", "sunburn": "none", "dose_mg": "-" + LONG_NUMBER}),
        ("patient", "/today", {"day": "TODAY", "sunburn": "none", "dose_mg": LONG_NUMBER + ".5"}),
        # The course form, as the clinician edits it while the patient shares (the patient's own is the same).
        ("clinician", "/clinic/patients/PATIENT/course", {"start_date": "YESTERDAY", "weight_kg": LONG_NUMBER, "daily_dose_mg": "40"}),  # noqa: E501
        ("clinician", "/clinic/patients/PATIENT/course", {"start_date": "YESTERDAY", "weight_kg": "60", "daily_dose_mg": LONG_NUMBER}),  # noqa: E501
        ("clinician", "/clinic/patients/PATIENT/course", {"start_date": "YESTERDAY", "target_mg_per_kg": LONG_NUMBER}),  # noqa: E501
        ("clinician", "/clinic/patients/PATIENT/appointments/new", {"day": "YESTERDAY", "alt": LONG_NUMBER}),
        ("clinician", "/clinic/patients/PATIENT/appointments/new", {"day": "YESTERDAY", "weight_kg": "-1" + LONG_NUMBER}),  # noqa: E501
    ],
)  # fmt: on
def test_numbers_hundreds_of_digits_long_are_refused_beside_the_field(
    app, make_patient, make_clinician, share, role, url, fields
):
    patient = make_patient()
    clinician, _ = make_clinician()
    share(patient, clinician)
    client = app.test_client()
    login(client, "pat@example.com" if role == "patient" else "doc@example.com")
    swap = {"TODAY": today().isoformat(), "YESTERDAY": yesterday().isoformat()}
    data = {name: swap.get(value, value) for name, value in fields.items()}
    response = post(client, url.replace("PATIENT", str(patient)), data)
    assert response.status_code == 422
    assert LONG_NUMBER[:50] in response.get_data(as_text=True)  # what was typed is kept


def test_head_is_answered_like_get(patient_client):
    get = patient_client.get("/today")
    head = patient_client.head("/today")
    assert head.status_code == get.status_code == 200
    assert head.get_data() == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"]


def test_head_of_a_page_with_a_form_changes_nothing_and_is_not_refused(patient_client):
    assert patient_client.head("/account").status_code == 200
    assert patient_client.head(f"/day/{yesterday()}").status_code == 200


def _chunked_post(port: int, path: str, body_size: int) -> int:
    """POST `body_size` bytes in chunks, with no Content-Length, as a real client does; the status back."""
    with closing(socket.create_connection(("127.0.0.1", port), timeout=10)) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\n".encode()
        )
        chunk = b"a" * 8192
        sent = 0
        try:
            while sent < body_size:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
            sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed early: what it said is what counts
        reply = b""
        while b"\r\n" not in reply:
            data = sock.recv(1024)
            if not data:
                break
            reply += data
    return int(reply.split(b" ", 2)[1])


@pytest.mark.parametrize("path", ["/login", "/register", "/today"])
def test_an_oversized_chunked_body_is_413(app, path):
    server = make_server("127.0.0.1", 0, app, threaded=True)

    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert _chunked_post(server.port, path, 4 * app.config["MAX_CONTENT_LENGTH"]) == 413
        assert _chunked_post(server.port, path, 100) in (400, 302)  # small: on to the CSRF check
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
