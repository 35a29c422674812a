# The assessments fixtures (an open round of municipality A and department A's questionnaire).
from tests.assessments.conftest import open_round, questionnaire  # noqa: F401
