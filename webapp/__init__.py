"""The Mine Action KB web app: a thin Flask layer over ``kb``.

``create_app(config)`` resolves the settings (defaults, environment, then
``config``), opens the store once per app and registers one blueprint per
feature.  Views parse the request, make one ``kb`` call and render; errors of
every kind leave through ``webapp.errors`` in one shape, without stack traces.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from kb import settings as settings_mod


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` may hold any ``MAKB_*`` setting and Flask settings."""
    app = Flask(__name__)
    app.config["MAKB"] = settings_mod.load(config)
    app.config["JSON_SORT_KEYS"] = False
    app.config["MAX_CONTENT_LENGTH"] = max(int(app.config["MAKB"]["MAKB_MAX_UPLOAD_BYTES"]),
                                           int(app.config["MAKB"]["MAKB_MAX_QUERY_BYTES"])) + 65536
    for key, value in (config or {}).items():
        if not key.startswith("MAKB_"):
            app.config[key] = value

    # the feature blueprints, one module each, imported when an app is made so that importing the package stays light
    from webapp import dashboard, entities, errors, graphs, kbstate, pages, search, sources, sparql, writes

    kbstate.init_app(app)
    errors.init_app(app)
    for feature in (writes, sparql, pages, entities, graphs, dashboard, search, sources):
        app.register_blueprint(feature.bp)
    return app
