"""What a refused catalogue file reports: one problem per line, `file:line: field: message`."""

from dataclasses import dataclass

# A file with a systematic mistake (every weight written as a percentage) would
# otherwise print hundreds of identical lines; the first fifty show the pattern.
MAX_PROBLEMS = 50


@dataclass(frozen=True)
class CatalogueProblem:
    file: str
    line: int | None  # None when the problem is the file as a whole (size, encoding)
    field: str  # path such as `indicators[3].weight`; "" when no field is involved
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class CatalogueFileError(Exception):
    """The file is refused; nothing was written. `problems` are in file order where known."""

    def __init__(self, problems: list[CatalogueProblem], *, truncated: bool = False):
        self.problems = problems
        self.truncated = truncated
        super().__init__("\n".join(str(problem) for problem in problems))
