"""assessments.municipality_answers: which answer counts for the municipality."""

from dataclasses import dataclass

from assessments.municipality_answers import municipality_answers, owner_departments


@dataclass(frozen=True)
class Ans:
    pk: int


OWNER, OTHER, GONE = 10, 20, 30


def test_the_owner_departments_answer_counts_unless_the_coordinator_chose_another():
    answers = {(1, OWNER): Ans(101), (1, OTHER): Ans(102), (2, OWNER): Ans(201)}
    assignments = [(1, OWNER, True), (1, OTHER, False), (2, OWNER, True), (2, OTHER, False)]
    counted = municipality_answers(assignments=assignments, answers=answers, consolidated={1: 102})
    assert counted == {1: Ans(102), 2: Ans(201)}
    assert municipality_answers(assignments=assignments, answers=answers, consolidated={}) == {
        1: Ans(101),
        2: Ans(201),
    }


def test_an_unanswered_owner_leaves_the_indicator_unanswered():
    counted = municipality_answers(
        assignments=[(1, OWNER, True), (1, OTHER, False)],
        answers={(1, OTHER): Ans(102)},
        consolidated={},
    )
    assert counted == {1: None}


def test_a_choice_of_a_department_no_longer_assigned_falls_back_to_the_owner():
    counted = municipality_answers(
        assignments=[(1, OWNER, True)],
        answers={(1, OWNER): Ans(101), (1, GONE): Ans(103)},
        consolidated={1: 103},
    )
    assert counted == {1: Ans(101)}


def test_without_a_marked_owner_the_first_assigned_department_owns_it():
    assert owner_departments([(1, OTHER, False), (1, OWNER, False), (2, OWNER, True)]) == {
        1: OTHER,
        2: OWNER,
    }
    assert owner_departments([(1, OTHER, False), (1, OWNER, True)]) == {1: OWNER}


def test_indicators_come_in_display_order():
    counted = municipality_answers(
        assignments=[(3, OWNER, True), (1, OWNER, True), (2, OWNER, True)],
        answers={},
        consolidated={},
    )
    assert list(counted) == [3, 1, 2]
