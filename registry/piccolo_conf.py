"""Piccolo's configuration module: the engine comes from FAIRRECRUIT_DATABASE_URL.

`registry.db.use_engine` replaces `DB` at run time (tests switch engines in one process).
"""
from piccolo.conf.apps import AppRegistry

from registry.db import engine_from_url
from registry.settings import database_url

DB = engine_from_url(database_url())

# Piccolo Admin's own login: its user and session tables come with their own migrations.
APP_REGISTRY = AppRegistry(
    apps=["registry.piccolo_app", "piccolo.apps.user.piccolo_app", "piccolo_api.session_auth.piccolo_app"]
)
