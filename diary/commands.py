"""Command-line tasks for clinic admins: demo data, clinician accounts, backups, sending reminders."""

import sys
from datetime import UTC, datetime

import click
from flask import Flask, current_app

from diary.clinicians import create_clinician
from diary.extensions import db
from diary.models import User


def init_app(app: Flask) -> None:
    @app.cli.command("create-clinician")
    @click.argument("email")
    @click.option("--name", help="The name patients see when they share with this clinician.")
    @click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
    def create_clinician_command(email: str, name: str | None, password_stdin: bool) -> None:
        """Create a clinician account and print its clinic code."""
        from diary.passwords import password_problem

        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        problem = password_problem(password, email)
        if problem:
            raise click.ClickException(problem)
        if db.session.scalar(db.select(User.id).where(User.email == email.strip().lower())) is not None:
            raise click.ClickException("An account with this email already exists.")
        user = create_clinician(email, password, name)
        db.session.commit()
        click.echo(f"Created clinician {user.email}.")
        click.echo(f"Clinic code: {user.clinic_code}")

    @app.cli.command("demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database has accounts.")
    def demo_command(if_empty: bool) -> None:
        """Seed a clinician and several patients with months of realistic entries (empty database only)."""
        from diary.demo import DemoRefused, seed_demo

        if not current_app.config.get("DEMO_ALLOWED"):
            raise click.ClickException("Demo data is disabled in this configuration.")
        try:
            accounts = seed_demo()
        except DemoRefused as refused:
            if if_empty:
                click.echo("The database already has accounts; no demo data added.")
                return
            raise click.ClickException(str(refused)) from None
        click.echo("Demo data is ready. Sign in at http://127.0.0.1:5000/login with:")
        for role, email, password in accounts:
            click.echo(f"  {role:<10} {email}  password: {password}")
        _echo_demo_second_factor()

    @app.cli.command("demo-code")
    def demo_code_command() -> None:
        """Print the demo clinician's current sign-in code (what an authenticator app would show)."""
        import pyotp

        from diary.demo import CLINICIAN_EMAIL

        if not current_app.config.get("DEMO_ALLOWED"):
            raise click.ClickException("Demo data is disabled in this configuration.")
        secret = db.session.scalar(db.select(User.totp_secret).where(User.email == CLINICIAN_EMAIL))
        if not secret:
            raise click.ClickException("No demo clinician with a second step here: run `flask demo` first.")
        click.echo(pyotp.TOTP(secret).now())

    @app.cli.command("send-reminders")
    @click.option(
        "--every",
        type=click.IntRange(min=1),
        help="Keep running, once every this many seconds (the demo; cron or a systemd timer in production).",
    )
    def send_reminders_command(every: int | None) -> None:
        """Send the reminders due now. Safe every minute, from several hosts: each is sent at most once."""
        from diary.notify.sender import run_every, send_due_reminders

        if not current_app.config.get("PUBLIC_URL"):
            raise click.ClickException(
                "Set DIARY_PUBLIC_URL (https://diary.clinic.example): reminders link to it."
            )
        if every:
            run_every(every, click.echo)
        else:
            summary = send_due_reminders(datetime.now(UTC))
            if summary:
                click.echo(summary)

    @app.cli.command("backup")
    @click.argument("destination", type=click.Path(dir_okay=False, writable=True))
    def backup_command(destination: str) -> None:
        """Write a consistent copy of the database to DESTINATION, and check it."""
        from diary.backup import backup

        summary = backup(destination)
        click.echo(summary)


def _echo_demo_second_factor() -> None:
    from diary.demo import CLINICIAN_EMAIL

    secret = db.session.scalar(db.select(User.totp_secret).where(User.email == CLINICIAN_EMAIL))
    click.echo("The clinician also types a code from an authenticator app. Either add this key to one:")
    click.echo(f"  {secret}")
    click.echo("or print the current code with: flask --app diary demo-code  (make demo-code)")
