"""The rule families; importing this package registers every rule (see compliance_rules.rule)."""
from compliance_rules.rules import fee, fraud, licensing, work  # noqa: F401
