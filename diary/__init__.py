"""Isotretinoin Diary: a side-effect diary for patients and a review workspace for dermatologists."""

import os

from flask import Flask

import config as config_module


def create_app(config: type | str | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, error handlers and commands."""
    app = Flask(
        __name__, template_folder="../templates", static_folder="../static", instance_relative_config=True
    )
    config_class = _config_class(config)
    app.config.from_object(config_class)
    config_class.init_app(app)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "SECRET_KEY must be set in the environment: production is the default configuration"
            " (FLASK_CONFIG=development for a local server)."
        )
    os.makedirs(app.instance_path, exist_ok=True)

    from diary import commands, database, errors, mail, navigation, security
    from diary.blueprints import register_blueprints

    database.init_app(app)
    mail.init_app(app)
    security.init_app(app)
    register_blueprints(app)
    errors.init_app(app)
    navigation.init_app(app)
    commands.init_app(app)
    return app


def _config_class(config: type | str | None) -> type:
    if isinstance(config, type):
        return config
    # Production unless told otherwise: a server started without FLASK_CONFIG must not run as development.
    name = config or os.environ.get("FLASK_CONFIG") or "production"
    try:
        return config_module.CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"Unknown FLASK_CONFIG {name!r}; choose one of {sorted(config_module.CONFIGS)}"
        ) from None
