"""The rules' input language (Terms, clauses), the registry-facts interface and the rule catalogue.

Never imports `importers/` or `api/`; asks the registry only through `RegistryFacts`.
"""
