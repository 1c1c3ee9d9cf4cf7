"""The faces of fairrecruit: the HTTP API and pages (Litestar) and the command line.

Thin handlers over the services in `registry/`, `importers/` and `compliance_rules/`.
"""
import registry  # noqa: F401  (sets PICCOLO_CONF before any table is imported)
