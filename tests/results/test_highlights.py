"""results.highlights: strengths reach their bar, gaps fall short, the unscored are neither."""

from hypothesis import given, settings
from hypothesis import strategies as st

from results.dashboard import StageStep
from results.highlights import HIGHLIGHTS, area_bar, split

scores = st.one_of(st.none(), st.floats(0, 100))
bars = st.one_of(st.none(), st.sampled_from([0.0, 50.0, 60.0, 70.0, 100.0]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(scores, bars), max_size=12))
def test_strengths_and_gaps_are_disjoint_and_measured_against_their_bar(items):
    named = list(enumerate(items))
    strengths, gaps = split(named, score=lambda i: i[1][0], bar=lambda i: i[1][1])
    assert len(strengths) <= HIGHLIGHTS and len(gaps) <= HIGHLIGHTS
    assert not {n for n, _ in strengths} & {n for n, _ in gaps}
    for _n, (score, bar) in strengths:
        assert score is not None and bar is not None and score >= bar
    for _n, (score, bar) in gaps:
        assert score is not None and bar is not None and score < bar
        assert score < 100  # a full-mark answer is never a gap
    margins = [score - bar for _n, (score, bar) in strengths]
    assert margins == sorted(margins, reverse=True)
    shortfalls = [score - bar for _n, (score, bar) in gaps]
    assert shortfalls == sorted(shortfalls)
    measured = [i for i in items if i[0] is not None and i[1] is not None]
    reaching = sum(1 for score, bar in measured if score >= bar)
    assert len(strengths) == min(HIGHLIGHTS, reaching)
    assert len(gaps) == min(HIGHLIGHTS, len(measured) - reaching)


def test_an_areas_bar_is_its_next_stage_passing_stages_with_nothing_to_score():
    def step(score, threshold, attained):
        return StageStep("", threshold, score, attained)

    assert area_bar([step(80, 60, True), step(30, 70, False), step(0, 80, False)]) == 70
    assert area_bar([step(None, 60, False), step(10, 70, False)]) == 70
    assert area_bar([step(80, 60, True), step(90, 70, True)]) == 70  # all attained: the last
    assert area_bar([step(None, 60, False)]) is None
