"""The coordinator's comments on single indicators that the respondent works from.

One rule for every page (the respondent's overview and area pages, the review
page): while a questionnaire is returned, the comments given with its latest
return stand beside their indicators. After it is submitted again they are
history, kept with the return in the review history.
"""

from django.db.models import Subquery

from assessments.models import (
    IndicatorComment,
    Questionnaire,
    QuestionnaireEvent,
    QuestionnaireEventKind,
    QuestionnaireStatus,
)


def return_comments(questionnaire: Questionnaire) -> dict[int, IndicatorComment]:
    """By indicator id, in catalogue order, with each indicator and its area loaded.

    One query while the questionnaire is returned, none otherwise.
    """
    if questionnaire.status != QuestionnaireStatus.RETURNED:
        return {}
    latest_return = (
        QuestionnaireEvent.objects.filter(
            questionnaire=questionnaire, kind=QuestionnaireEventKind.RETURNED
        )
        .order_by("-at", "-pk")
        .values("pk")[:1]
    )
    comments = (
        IndicatorComment.objects.filter(event=Subquery(latest_return))
        .select_related("indicator__area")
        .order_by("indicator__area__order", "indicator__order", "indicator__pk")
    )
    return {comment.indicator_id: comment for comment in comments}
