"""Domain errors. The CLI prints them; `api.errors` maps each class to one HTTP problem type."""
from __future__ import annotations


class FairrecruitError(Exception):
    """Base class: the message says what was wrong and why, for a person to read."""


class NotFoundError(FairrecruitError):
    """The named licence, sub-licence, agency, broker, contract or flag does not exist."""


class InvalidTransitionError(FairrecruitError):
    """The action is not allowed from the record's current state (e.g. reinstate a revoked licence)."""


class ConflictError(FairrecruitError):
    """A duplicate (number already used) or a stale write (the record changed meanwhile)."""


class ValidationError(FairrecruitError):
    """Input that cannot be accepted as given (missing reason, bad date, malformed number)."""


class CheckFailedError(FairrecruitError):
    """A compliance rule failed on a contract with an unexpected error (a bug, not bad input).
    The contract counts as not checked, never as "no violations", and nothing of it is stored;
    a batch goes on with its other documents."""

    def __init__(self, rule: str) -> None:
        self.rule = rule
        super().__init__(
            f"Rule {rule} failed on this contract with an internal error, so the contract was not "
            "checked and nothing was stored. The error is in the server log; ingest the file again "
            "once it is fixed."
        )


class ImportRejectedError(FairrecruitError):
    """A file was rejected whole; `problems` lists every (file, row, column, why)."""

    def __init__(self, problems: list["ImportProblem"]) -> None:
        self.problems = problems
        lines = [f"{len(problems)} problem(s); nothing was written:"]
        lines += [f"  {p}" for p in problems]
        super().__init__("\n".join(lines))


class ImportProblem:
    __slots__ = ("file", "row", "column", "why")

    def __init__(self, file: str, row: int | None, column: str | None, why: str) -> None:
        self.file, self.row, self.column, self.why = file, row, column, why

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.why}"

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "row": self.row, "column": self.column, "why": self.why}
