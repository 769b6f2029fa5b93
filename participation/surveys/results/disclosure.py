"""Small-cell suppression for public results: no group of fewer than `threshold` respondents is shown."""

from __future__ import annotations


class Suppressor:
    """Public results: no count of 1 .. threshold-1 respondents is shown, nor one that reveals such a count.

    Primary suppression hides the small counts. Secondary suppression then hides more cells wherever a
    published total would let a reader subtract the hidden one back: every relation (cells whose sum is
    published) must hide at least two cells holding together at least `threshold` respondents.
    """

    def __init__(self, active: bool, threshold: int):
        self.active, self.threshold = active, threshold

    def count(self, value: int | None) -> int | None:
        if value is None:
            return None
        return None if self.active and 0 < value < self.threshold else value

    def small(self, value: int) -> bool:
        return self.active and value < self.threshold

    def protect(self, counts: list[int], relations: list[list[int]] | None = None) -> list[int | None]:
        """The counts with every primarily and secondarily suppressed one as None (one published sum)."""
        return self.protect_sums(counts, relations)[0]

    def protect_sums(
        self, counts: list[int], relations: list[list[int]] | None = None
    ) -> tuple[list, set[int]]:
        """Protect counts whose `relations` (index lists) have published sums.

        Returns the shown counts and the indexes of the relations whose sum must be withheld. A sum
        published inside another one publishes their difference too, so those differences are checked
        as well; where no further cell can be hidden, the inner sum is withheld instead.
        """
        if not self.active:
            return list(counts), set()
        relations = relations if relations is not None else [list(range(len(counts)))]
        checks: list[tuple[list[int], tuple[int, ...]]] = [(list(r), (i,)) for i, r in enumerate(relations)]
        for i, inner in enumerate(relations):
            for j, outer in enumerate(relations):
                if i != j and set(inner) < set(outer):
                    checks.append((sorted(set(outer) - set(inner)), (i, j)))
        hidden = {i for i, c in enumerate(counts) if 0 < c < self.threshold}
        withheld: set[int] = set()
        changed = bool(hidden)
        while changed:
            changed = False
            for cells, sums in checks:
                if withheld & set(sums):
                    continue  # this sum (or difference) is not published
                inside = [i for i in cells if i in hidden]
                if not inside or (len(inside) >= 2 and sum(counts[i] for i in inside) >= self.threshold):
                    continue
                candidates = [(counts[i], i) for i in cells if i not in hidden and counts[i] > 0]
                if candidates:  # the smallest further cell: it costs the least information
                    hidden.add(min(candidates)[1])
                else:
                    withheld.add(sums[0])
                changed = True
        return [None if i in hidden else c for i, c in enumerate(counts)], withheld

    def chosen(self, count: int, base: int) -> int | None:
        """Multiple choice: hidden when few chose the option, or few did not (base - count is a group too)."""
        if self.active and (0 < count < self.threshold or 0 < base - count < self.threshold):
            return None
        return count
