"""Email as a component: MAIL_URL read into an SMTP transport, delivery to a real SMTP server, the outbox
folder that development writes to, and failures logged without naming the recipient."""

import logging
import stat

import pytest
from conftest import make_app
from smtp_mailbox import body, free_port

import config
from diary import create_app, mail
from diary.extensions import db
from diary.mail import OutboxTransport, SMTPTransport, transport_from_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://127.0.0.1:1025", SMTPTransport("127.0.0.1", 1025, mail.DEFAULT_SENDER, "none")),
        (
            "smtp://user%40clinic:p%40ss%3Aword@mail.example?starttls=1&from=diary@clinic.example",
            SMTPTransport(
                "mail.example", 587, "diary@clinic.example", "starttls", "user@clinic", "p@ss:word"
            ),
        ),
        (
            "smtps://u:p@mail.example",
            SMTPTransport("mail.example", 465, mail.DEFAULT_SENDER, "tls", "u", "p"),
        ),
        ("smtp://mail.example", SMTPTransport("mail.example", 25, mail.DEFAULT_SENDER, "none")),
    ],
)
def test_mail_url_describes_the_smtp_server(url, expected):
    assert transport_from_url(url) == expected


@pytest.mark.parametrize("url", ["http://mail.example", "smtp://", "mail.example:25", "sendmail:///usr/sbin"])
def test_a_mail_url_that_cannot_work_stops_the_app_at_start(url):
    with pytest.raises(ValueError, match="MAIL_URL"):
        make_app("sqlite://", MAIL_URL=url)


def test_a_message_reaches_the_smtp_server_with_its_headers(app, mailbox):
    with app.test_request_context():
        mail.send("someone@example.com", "Hello", "The body.\n")
    (message,) = mailbox.wait_for("someone@example.com")
    assert message["Subject"] == "Hello"
    assert message["From"] == mail.DEFAULT_SENDER
    assert message["Message-ID"] and message["Date"]
    assert body(message).strip() == "The body."


def test_an_unreachable_server_is_logged_without_the_recipient_or_content(database_url, caplog):
    app = make_app(database_url, MAIL_URL=f"smtp://127.0.0.1:{free_port()}")  # nothing listens there
    with caplog.at_level(logging.ERROR, logger="diary.mail"), app.test_request_context():
        mail.send("private.person@example.com", "Secret subject", "secret body")
        mail.drain()
    assert "mail not delivered" in caplog.text
    assert "private.person" not in caplog.text and "secret" not in caplog.text.lower()
    with app.app_context():
        db.engine.dispose()


def test_development_writes_mail_to_the_outbox_and_prints_only_its_path(tmp_path, capsys):
    dev = type(
        "Dev",
        (config.DevelopmentConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'd.sqlite'}",
            "SECRET_KEY": "k",
            "MAIL_URL": None,
            "MAIL_OUTBOX": tmp_path / "outbox",
        },
    )
    app = create_app(dev)
    assert isinstance(app.extensions["mail"], OutboxTransport)
    with app.test_request_context():
        mail.send("me@example.com", "Reset your password", "the link: http://x/reset/abc\n")
        mail.drain()
    (written,) = (tmp_path / "outbox").glob("*.eml")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert b"http://x/reset/abc" in written.read_bytes()
    printed = capsys.readouterr().err
    assert str(written) in printed
    assert "reset/abc" not in printed and "me@example.com" not in printed


def test_production_sending_mail_must_say_where_links_point(monkeypatch, tmp_path):
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", "a-deployment-secret")
    monkeypatch.setattr(
        config.ProductionConfig, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'p.sqlite'}"
    )
    monkeypatch.setattr(config.ProductionConfig, "MAIL_URL", "smtp://mail.example:587?starttls=1")
    with pytest.raises(RuntimeError, match="DIARY_PUBLIC_URL"):
        create_app(config.ProductionConfig)
    monkeypatch.setattr(config.ProductionConfig, "PUBLIC_URL", "https://diary.clinic.example")
    assert isinstance(create_app(config.ProductionConfig).extensions["mail"], SMTPTransport)
