"""The project's one error type: every message reads "path:line: what is wrong"."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong, with where it is."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class AltformatsError(Exception):
    """Bad input, a missing tool or a failed check: the CLI prints it without a traceback."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, (Problem, str)):
            problems = [problems]
        self.problems = [p if isinstance(p, Problem) else Problem("altformats", None, p) for p in problems]
        super().__init__("\n".join(str(p) for p in self.problems))


class MissingTool(AltformatsError):
    """A required external tool is not installed; the message says how to install it."""

    def __init__(self, tool: str, install: str):
        super().__init__(f"{tool} is required but was not found; install it with: {install}")
