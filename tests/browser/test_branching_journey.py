"""Branching in Chromium with JavaScript: questions appear and disappear live on their page (every source
type), "Sonstiges" fields only with "Sonstiges", hidden questions never required or stored; the demo
survey answered by keyboard only on a 320 px phone, axe-core clean on every answering page."""

from __future__ import annotations

from sqlalchemy import select

from participation.accounts.demo import DEMO_ACCOUNTS
from participation.core.demo import seed_demo
from participation.extensions import db
from participation.surveys import services
from participation.surveys.models import Answer, Question, Response, Survey
from tests.browser.conftest import Site
from tests.browser.test_accessibility import axe_problems
from tests.conftest import ROLE_SETS, get_user
from tests.surveys.factories import Built
from tests.surveys.test_branching import SOURCES, _add

PHONE = {"width": 320, "height": 800}


def every_source_survey(app, owner_id: int) -> Built:
    """Page 1: per source type a source and a mandatory short text depending on it; page 2: one question."""
    with app.app_context():
        owner = get_user(app, owner_id)
        survey = services.create_survey(owner, title="Alles verzweigt", access="open", anonymous=True)
        first = survey.pages[0]
        built = Built(id=survey.id, pages=[first.id])
        for kind, (settings, labels, operator, condition, _yes, _no) in SOURCES.items():
            source = _add(owner, first, built, kind, kind, settings, labels)
            target = _add(owner, first, built, f"{kind}-folge", "short_text", mandatory=True)
            option = built.o.get(f"{kind}:{condition.get('option')}")
            services.add_condition(
                owner, target, source, operator, option_id=option, value=condition.get("value")
            )
        second = services.add_page(owner, survey, "Zum Schluss")
        built.pages.append(second.id)
        _add(owner, second, built, "schluss", "yesno")
        services.publish(owner, survey)
        db.session.commit()
        return built


def set_source(site: Site, s: Built, kind: str, holds: bool) -> None:
    """Answer a source question with the mouse so that its condition holds (or not)."""
    page, name = site.page, f"q{s.q[kind]}"

    def pick(value: str, on: bool = True) -> None:
        box = page.locator(f'input[name="{name}"][value="{value}"]')
        box.check() if on else box.uncheck()

    if kind == "single":
        pick(str(s.o["single:Ja" if holds else "single:Nein"]))
    elif kind == "multiple":
        pick(str(s.o["multiple:A"]))
        pick(str(s.o["multiple:B"]), holds)
    elif kind == "yesno":
        pick("ja" if holds else "nein")
    elif kind == "scale":
        pick("5" if holds else "dk")
    elif kind == "matrix":
        # A row once chosen stays chosen (radio buttons): the "not answered" state is the start.
        if holds:
            page.locator(f'input[name="{name}_r{s.o["matrix:Z1"]}"][value="2"]').check()
    elif kind == "ranking":
        for label, rank in (("X", "1"), ("Y", "2")):
            page.select_option(f'select[name="{name}_o{s.o[f"ranking:{label}"]}"]', rank if holds else "")
    else:
        text = {"number": ("12", "5"), "date": ("1999-12-31", "2001-01-01")}
        text.update({"short_text": ("rad", "Auto"), "long_text": ("Etwas", "")})
        page.fill(f"#{name}", text[kind][0 if holds else 1])


def finish(site: Site) -> None:
    """Go on and send (through a summary page, if there is one) until the confirmation."""
    for _ in range(5):
        if "/danke" in site.page.url:
            return
        form = site.page.locator("main form.survey-form, main form[action$='/teilnehmen']").last
        button = form.locator("button[name=action][value=next]")
        if not button.count():
            button = form.locator("button[name=action][value=submit]")
        with site.page.expect_navigation():
            button.first.click()
    raise AssertionError(f"not sent: {site.page.url}")


def test_every_source_type_shows_and_hides_its_question_live(site: Site) -> None:
    s = every_source_survey(site.app, site.make_user(ROLE_SETS["planner"]).id)
    site.goto(f"/umfragen/{s.id}/teilnehmen")
    page = site.page
    for kind in SOURCES:
        block = page.locator(f"#frage-{s.q[f'{kind}-folge']}")
        assert block.is_hidden(), kind
        set_source(site, s, kind, True)
        assert block.is_visible(), kind
        assert page.locator("#branching-status").inner_text() == "Eine weitere Frage wird jetzt angezeigt."
        if kind != "matrix":
            set_source(site, s, kind, False)
            assert block.is_hidden(), kind
            set_source(site, s, kind, True)
        page.fill(f"#q{s.q[f'{kind}-folge']}", f"Folge {kind}")
    # Hidden again after typing: the text stays in the browser but is not sent, stored or required.
    dropped = ("single", "number", "date", "long_text")
    for kind in dropped:
        set_source(site, s, kind, False)
        assert page.locator(f"#frage-{s.q[f'{kind}-folge']}").is_hidden(), kind
    # No error, no second showing of the page: JavaScript has shown everything that applies.
    with page.expect_navigation():
        page.locator("button[name=action][value=next]").click()
    assert "Zum Schluss" in page.inner_text("main"), page.inner_text("main")[:500]
    finish(site)
    with site.app.app_context():
        texts = set(db.session.scalars(select(Answer.value_text).where(Answer.value_text.like("Folge %"))))
    assert texts == {f"Folge {kind}" for kind in SOURCES if kind not in dropped}


def test_other_field_only_with_other_chosen(site: Site) -> None:
    with site.app.app_context():
        owner = get_user(site.app, site.make_user(ROLE_SETS["planner"]).id)
        survey = services.create_survey(owner, title="Sonstiges", access="open")
        built = Built(id=survey.id, pages=[survey.pages[0].id])
        _add(owner, survey.pages[0], built, "wo", "multiple", labels=("Brunnen", "Sonstiges"))
        services.publish(owner, survey)
        db.session.commit()
    site.goto(f"/umfragen/{built.id}/teilnehmen")
    name = f"q{built.q['wo']}"
    other = site.page.locator(f"#{name}_other")
    assert other.is_hidden()
    site.page.check(f'input[name="{name}"][value="{built.o["wo:Sonstiges"]}"]')
    assert other.is_visible()
    other.fill("Am Rathaus")
    site.page.uncheck(f'input[name="{name}"][value="{built.o["wo:Sonstiges"]}"]')
    assert other.is_hidden()
    site.page.check(f'input[name="{name}"][value="{built.o["wo:Brunnen"]}"]')
    finish(site)
    with site.app.app_context():
        rows = db.session.scalars(select(Answer)).all()
    assert [(a.option_id, a.value_text) for a in rows] == [(built.o["wo:Brunnen"], None)]


def axe_clean(site: Site, what: str) -> None:
    problems, _response = axe_problems(site)
    assert not problems, f"{what}: " + "\n".join(problems)
    width = site.page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{what}: scrolls sideways {width}"


def tab_to(site: Site, selector: str, limit: int = 250) -> None:
    """Press Tab until the element has focus (what a keyboard user does)."""
    for _ in range(limit):
        site.page.keyboard.press("Tab")
        if site.page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never received focus by Tab")


def press_button(site: Site, value: str) -> None:
    tab_to(site, f"main form button[name=action][value={value}]")
    with site.page.expect_navigation():
        site.page.keyboard.press("Enter")


def test_demo_survey_by_keyboard_on_a_phone_with_branching(site: Site) -> None:
    with site.app.app_context():
        seed_demo()
        db.session.commit()
        survey = db.session.scalar(select(Survey).where(Survey.title == "Neugestaltung Marktplatz"))
        by_text = {q.text: q for q in survey.questions}
        visits = by_text["Wie oft sind Sie auf dem Marktplatz?"]
        wishes = by_text["Was sollte der neue Marktplatz bieten?"]
        reason = by_text["Welcher Brunnen gefällt Ihnen in der Region?"]
        fountain = next(o for o in wishes.choices if o.label == "Brunnen")
        other = next(o for o in wishes.choices if o.is_other)
        ids = (survey.id, visits.id, wishes.id, reason.id, fountain.id, other.id)
    survey_id, visits_id, wishes_id, reason_id, fountain_id, other_id = ids
    site.page.set_viewport_size(PHONE)
    site.login(next(a for a in DEMO_ACCOUNTS if a.email == "buerger@musterstadt.example"))
    site.goto(f"/umfragen/{survey_id}/teilnehmen")
    axe_clean(site, "page 1")
    tab_to(site, f"#q{visits_id}")
    site.page.keyboard.press("Space")  # "Täglich": page 3 applies
    press_button(site, "next")
    page = site.page
    assert page.locator(f"#frage-{reason_id}").is_hidden()
    axe_clean(site, "page 2, before")
    tab_to(site, f'input[name="q{wishes_id}"][value="{fountain_id}"]')
    site.page.keyboard.press("Space")
    assert page.locator(f"#frage-{reason_id}").is_visible()
    tab_to(site, f"#q{reason_id}")
    site.page.keyboard.type("Marktbrunnen")
    tab_to(site, f'input[name="q{wishes_id}"][value="{other_id}"]')
    site.page.keyboard.press("Space")
    tab_to(site, f"#q{wishes_id}_other")
    site.page.keyboard.type("Trinkbrunnen")
    axe_clean(site, "page 2, with the question and the other field shown")
    press_button(site, "next")
    assert "Zu Ihrer Person" in page.inner_text("main"), page.inner_text("main")[:400]
    axe_clean(site, "page 3")
    for _ in range(3):
        if "/danke" in page.url:
            break
        button = "next" if page.locator("main form button[name=action][value=next]").count() else "submit"
        press_button(site, button)
    assert "/danke" in page.url, page.url
    with site.app.app_context():
        texts = set(
            db.session.scalars(
                select(Answer.value_text).join(Response).where(Response.survey_id == survey_id)
            )
        )
        assert {"Marktbrunnen", "Trinkbrunnen"} <= texts
        assert db.session.get(Question, reason_id) is not None
