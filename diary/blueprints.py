"""One blueprint per domain, registered in one place."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from diary.account import bp as account_bp
    from diary.auth import bp as auth_bp
    from diary.care import bp as care_bp
    from diary.clinic import bp as clinic_bp
    from diary.log import bp as log_bp
    from diary.photos import bp as photos_bp
    from diary.public import bp as public_bp
    from diary.reminders import bp as reminders_bp
    from diary.sharing import bp as sharing_bp

    for blueprint in (
        public_bp,
        auth_bp,
        log_bp,
        care_bp,
        photos_bp,
        clinic_bp,
        sharing_bp,
        account_bp,
        reminders_bp,
    ):
        app.register_blueprint(blueprint)
