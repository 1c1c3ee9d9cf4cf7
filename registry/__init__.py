"""The registry domain: tables, status on a date, officer actions, lookup, flags, audit.

It knows nothing of HTTP, pages or PDFs.
"""
import os

# Piccolo finds its engine through this module; set it before anything imports piccolo tables.
os.environ.setdefault("PICCOLO_CONF", "registry.piccolo_conf")
