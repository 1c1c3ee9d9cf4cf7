"""Risk scores for inspection planning: who to inspect first, and why.

`service.plan` ranks agencies, brokers and unregistered recruiters; `service.entity_risk`
explains one. Weights live in `data/weights.json` (documented in docs/inspections.md).
"""
