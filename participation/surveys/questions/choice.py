"""Question types, part 2: single and multiple choice, ranking."""

from __future__ import annotations

from flask_babel import gettext as _

from participation.surveys.questions.base import (
    AnswerError,
    QuestionType,
    _choice_by_id,
    _first,
    _int_setting,
    _label_of,
    _other_text,
    answer_row,
)


class SingleChoiceType(QuestionType):
    def field_names(self, question):
        return [self.name(question), self.name(question) + "_other"]

    def parse(self, question, raw):
        chosen = _first(raw, self.name(question))
        if not chosen:
            return None
        option = _choice_by_id(question, chosen)
        try:
            other = _other_text(question, raw, option)
        except AnswerError as error:
            raise AnswerError(str(error), partial=(option.id, None)) from None
        return (option.id, other)

    def to_rows(self, question, value):
        option_id, other = value
        return [answer_row(option_id=option_id, value_text=other)]

    def from_rows(self, question, rows):
        return (rows[0].option_id, rows[0].value_text) if rows else None

    def to_raw(self, question, value):
        if value is None:
            return {}
        raw = {self.name(question): [str(value[0])]}
        if value[1]:
            raw[self.name(question) + "_other"] = [value[1]]
        return raw

    def display(self, question, value):
        if value is None:
            return ""
        label = _label_of(question, value[0])
        return f"{label}: {value[1]}" if value[1] else label


class MultipleChoiceType(QuestionType):
    def field_names(self, question):
        return [self.name(question), self.name(question) + "_other"]

    def parse(self, question, raw):
        ids = [v for v in raw.get(self.name(question), []) if v]
        if not ids:
            return None
        options = [_choice_by_id(question, v) for v in dict.fromkeys(ids)]
        order = {o.id: o.position for o in question.choices}
        chosen = (sorted((o.id for o in options), key=lambda i: order[i]), None)
        try:
            return self._checked(question, raw, len(ids), options, chosen)
        except AnswerError as error:
            raise AnswerError(str(error), partial=chosen) from None

    def _checked(self, question, raw, posted: int, options, chosen):
        """The rules beyond valid options: each once, exclusive alone, how many, "Sonstiges" text."""
        if len(options) != posted:
            raise AnswerError(_("Bitte wählen Sie jede Antwort nur einmal."))
        if any(o.exclusive for o in options) and len(options) > 1:
            exclusive = next(o for o in options if o.exclusive)
            raise AnswerError(
                _("„%(label)s“ kann nicht mit anderen Antworten kombiniert werden.", label=exclusive.label)
            )
        low, high = _int_setting(question, "min_choices", 0), _int_setting(question, "max_choices", 0)
        exclusive_only = len(options) == 1 and options[0].exclusive
        if low and len(options) < low and not exclusive_only:
            raise AnswerError(_("Bitte wählen Sie mindestens %(count)s Antworten.", count=low))
        if high and len(options) > high:
            raise AnswerError(_("Bitte wählen Sie höchstens %(count)s Antworten.", count=high))
        other = None
        for option in options:
            other = _other_text(question, raw, option) or other
        return (chosen[0], other)

    def to_rows(self, question, value):
        ids, other = value
        other_ids = {o.id for o in question.choices if o.is_other}
        return [answer_row(option_id=i, value_text=other if i in other_ids else None) for i in ids]

    def from_rows(self, question, rows):
        if not rows:
            return None
        other = next((r.value_text for r in rows if r.value_text), None)
        # The questionnaire's option order: storage order means nothing (answer ids are random).
        order = {option.id: index for index, option in enumerate(question.options)}
        chosen = sorted((r.option_id for r in rows), key=lambda option_id: order.get(option_id, len(order)))
        return (chosen, other)

    def to_raw(self, question, value):
        if value is None:
            return {}
        raw = {self.name(question): [str(i) for i in value[0]]}
        if value[1]:
            raw[self.name(question) + "_other"] = [value[1]]
        return raw

    def display(self, question, value):
        if value is None:
            return ""
        labels = [_label_of(question, i) for i in value[0]]
        return ", ".join(labels) + (f" ({value[1]})" if value[1] else "")


class RankingType(QuestionType):
    """Without JavaScript: a rank select per option; the ranks must be a permutation of 1..n."""

    def option_name(self, question, option) -> str:
        return f"q{question.id}_o{option.id}"

    def field_names(self, question):
        return [self.option_name(question, o) for o in question.choices]

    def parse(self, question, raw):
        choices = question.choices
        ranks = {}
        for option in choices:
            text = _first(raw, self.option_name(question, option))
            if text:
                try:
                    ranks[option.id] = int(text)
                except ValueError:
                    raise AnswerError(
                        _(
                            "Bitte vergeben Sie jeden Rang von 1 bis %(count)s genau einmal.",
                            count=len(choices),
                        )
                    ) from None
        if not ranks:
            return None
        if sorted(ranks.values()) != list(range(1, len(choices) + 1)):
            raise AnswerError(
                _("Bitte vergeben Sie jeden Rang von 1 bis %(count)s genau einmal.", count=len(choices))
            )
        return ranks

    def to_rows(self, question, value):
        return [answer_row(option_id=i, rank=r) for i, r in value.items()]

    def from_rows(self, question, rows):
        return {r.option_id: r.rank for r in rows} if rows else None

    def to_raw(self, question, value):
        if not value:
            return {}
        return {f"q{question.id}_o{i}": [str(r)] for i, r in value.items()}

    def display(self, question, value):
        if not value:
            return ""
        return ", ".join(
            f"{r}. {_label_of(question, i)}" for i, r in sorted(value.items(), key=lambda item: item[1])
        )
