"""Small-cell suppression in public results: primary (fewer than 5) and secondary (no subtraction back)."""

from __future__ import annotations

import itertools

import pytest

from participation.extensions import db
from participation.surveys.models import Survey
from participation.surveys.results.services import Suppressor, compute
from tests.surveys.results_factories import answer

PUBLIC = Suppressor(True, 5)


def recoverable(counts, shown, relations, withheld=frozenset()) -> bool:
    """Could a reader work out a hidden count under the threshold from the published sums?

    Published: every relation's sum not withheld, and the difference of two nested published sums. A sum
    under the threshold is never published (the callers hide the whole question, row or page).
    """
    published = [set(r) for i, r in enumerate(relations) if i not in withheld]
    derived = [outer - inner for inner in published for outer in published if inner < outer]
    for cells in published + derived:
        if sum(counts[i] for i in cells) < 5:
            continue
        hidden = [i for i in cells if shown[i] is None]
        if len(hidden) == 1 or (hidden and sum(counts[i] for i in hidden) < 5):
            return True
    return False


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([40, 3, 57], [None, None, 57]),  # the smallest other cell goes too
        ([10, 20, 30], [10, 20, 30]),  # nothing small: nothing hidden
        ([1, 2, 0, 30, 40], [None, None, 0, None, 40]),  # 1 + 2 < 5: a third cell is needed
        ([0, 3, 97], [0, None, None]),  # zeros say nothing and are never used
    ],
)
def test_protect_hides_small_counts_and_one_more(counts, expected):
    """Every relation hides at least two cells holding at least five respondents together."""
    assert PUBLIC.protect(counts) == expected
    assert not recoverable(counts, PUBLIC.protect(counts), [list(range(len(counts)))])


def test_protect_respects_every_published_sum():
    """Nested sums (points = n, points + "weiß nicht" + no answer = base) are all safe; staff see all."""
    relations = [[0, 1, 2], [0, 1, 2, 3], [0, 1, 2, 3, 4]]
    for counts in itertools.product((0, 1, 4, 6, 20), repeat=5):
        shown, withheld = PUBLIC.protect_sums(list(counts), relations)
        assert all(s is None for c, s in zip(counts, shown, strict=True) if 0 < c < 5)
        assert not recoverable(counts, shown, relations, withheld), (counts, shown, withheld)
    assert Suppressor(False, 5).protect([1, 2, 3]) == [1, 2, 3]


def test_multiple_choice_hides_an_option_almost_everyone_chose():
    """98 of 100 chose it: the two who did not are a small group too."""
    assert PUBLIC.chosen(98, 100) is None
    assert PUBLIC.chosen(3, 100) is None
    assert PUBLIC.chosen(50, 100) == 50
    assert PUBLIC.chosen(100, 100) == 100 and PUBLIC.chosen(0, 100) == 0


def test_public_results_leave_no_small_group_to_subtract(app, survey):
    """Channels, days, yes/no, the cross-table and the number's extremes, as the public sees them."""
    for index in range(9):
        answer(
            app,
            survey,
            channel="telefon" if index == 0 else "online",
            mode="Rad" if index < 7 else "Auto",
            wish=["Bäume"] if index < 8 else ["Licht"],
            yesno="ja" if index else "nein",
            temp=str(index),
        )
    with app.app_context():
        loaded = db.session.get(Survey, survey.id)
        public = compute(loaded, public=True, cross=(survey.q["mode"], survey.q["wish"]))
        staff = compute(loaded, cross=(survey.q["mode"], survey.q["wish"]))
    channels = {c.code: c.count for c in public.channels}
    assert channels["telefon"] is None and channels["online"] is None  # 1 + 8 = 9 published
    assert {c.code: c.count for c in staff.channels}["telefon"] == 1
    yesno = next(r for r in public.questions if r.question.id == survey.q["yesno"])
    assert [c.count for c in yesno.cells] == [None, None]
    temp = next(r for r in public.questions if r.question.id == survey.q["temp"])
    assert (temp.stats.minimum, temp.stats.maximum) == (None, None) and temp.stats.median == 4
    staff_temp = next(r for r in staff.questions if r.question.id == survey.q["temp"])
    assert (staff_temp.stats.minimum, staff_temp.stats.maximum) == (0, 8)
    counts = public.cross.counts
    flat = [c for row in counts for c in row]
    assert all(c is None or c == 0 or c >= 5 for c in flat)
    assert staff.cross.counts[0][0] == 7  # Rad × Bäume
    # Bäume was chosen by 8 (published): showing Rad × Bäume = 7 would give away Auto × Bäume = 1.
    assert counts[0][0] is None and counts[1] == [None, 0, None]  # Auto × (Bäume, Bänke, Licht)
