"""Piccolo's configuration module: the engine comes from FAIRRECRUIT_DATABASE_URL.

`registry.db.use_engine` replaces `DB` at run time (tests switch engines in one process).
"""
from piccolo.conf.apps import AppRegistry

from registry.db import engine_from_url
from registry.settings import database_url

DB = engine_from_url(database_url())

APP_REGISTRY = AppRegistry(apps=["registry.piccolo_app"])
