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
        if not self.path:  # a problem of the whole run (no file, no option): the message alone
            return self.message
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class AltformatsError(Exception):
    """Bad input, a missing tool, a fault of the environment or a failed check: the CLI prints it without a traceback."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, (Problem, str)):
            problems = [problems]
        self.problems = [p if isinstance(p, Problem) else Problem("", None, p) for p in problems]
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):
        # Errors cross process boundaries (build jobs, Dask workers) with their problems intact.
        return (AltformatsError, (self.problems,))


class MissingTool(AltformatsError):
    """A required external tool is not installed; the message says how to install it."""

    def __init__(self, tool: str, install: str):
        super().__init__(f"{tool} is required but was not found; install it with: {install}")
        self.tool, self.install = tool, install

    def __reduce__(self):
        return (MissingTool, (self.tool, self.install))


class BuildFailed(AltformatsError):
    """Some documents of a build failed; `written` lists the files of the documents that were written."""

    def __init__(self, problems: list[Problem], written: list):
        super().__init__(problems)
        self.written = written

    def __reduce__(self):
        return (BuildFailed, (self.problems, self.written))


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM during a run: unwinds as Ctrl-C does, so staging and children are cleaned up."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum
