"""Spanish and French, end to end (issue 18, point 5), in Chromium: a partner whose browser speaks Spanish
reports a violation and answers a request; a lawyer whose browser speaks French screens it, reads the
engine's reasons, records an assessment and asks for information. Every page either of them sees is
searched for English (``tests/e2e/languages.py``): the app's own messages left untranslated, and English
sentences made anywhere else. What they type is in their language, so any English found is the app's.
"""

import re
import secrets

import pytest

from caseapp.domain import roles
from tests.e2e.harness import follow, sign_in
from tests.e2e.languages import english_on
from tests.e2e.test_journeys import EVIDENCE, day
from tests.factories import add_to_team, make_organisation, make_user
from tests.web.decision_records import decided_case

try:
    from playwright.sync_api import expect
except ImportError:  # the ``browser`` fixture skips every test with the reason (and fails them in CI)
    expect = None

pytestmark = pytest.mark.e2e

TITLE = "Desalojo del asentamiento de la Ribera"
VICTIM = "Itzel Quispe Mamani"


class Reader:
    """Looks at each page a person sees in ``language``: its screenshot and axe's check (``browsing.step``),
    its ``lang``, and the English on it, gathered so that one run lists every page to mend."""

    def __init__(self, browsing, language: str):
        self.browsing, self.language = browsing, language
        self.english: list[str] = []

    def look(self, page, name: str) -> None:
        self.browsing.step(page, f"{self.language}-{name}")
        assert page.locator("html").get_attribute("lang") == self.language, page.url
        self.english += [f"{name} ({page.url}): {finding}" for finding in english_on(page, self.language)]

    def assert_no_english(self) -> None:
        assert not self.english, "English on the pages:\n" + "\n".join(self.english)


def menu(page, name: str, navigation: str):
    return page.get_by_role("navigation", name=navigation).get_by_role("link", name=name, exact=True)


def flash(page, text: str):
    return expect(page.locator("main .alert").filter(has_text=text)).to_be_visible()


def next_step(page) -> None:
    follow(page.locator("main button.btn[name=action][value=next]"))


def test_a_spanish_partner_and_a_french_lawyer_work_a_report_in_their_languages(browsing, live_server):
    app = live_server.app
    org = make_organisation(f"Vivienda Digna {secrets.token_hex(3)}")
    partner = make_user(app, roles.PARTNER, org)
    lawyer = make_user(app, roles.LAWYER)
    es, fr = Reader(browsing, "es"), Reader(browsing, "fr")

    # 1. The partner's browser asks for Spanish: the sign-in page, then every page, is Spanish.
    p = browsing.person("socia", locale="es-ES")
    p.goto("/login")
    es.look(p, "login")
    sign_in(p, partner, welcome="Le damos la bienvenida, ")
    es.look(p, "home")
    follow(menu(p, "Denuncias", "Navegación principal"))
    expect(p.get_by_role("heading", name="Las denuncias de su organización")).to_be_visible()
    es.look(p, "reports")
    follow(p.get_by_role("link", name="Denunciar una violación").first)
    es.look(p, "new-report")

    # Bad input first: "Next" with nothing answered asks for a first answer, in Spanish (a 400, on purpose).
    browsing.expect_status("/intake/new", 400)
    next_step(p)
    expect(p.locator("main .alert-danger").first).to_be_visible()
    es.look(p, "new-report-refused")

    p.locator("#title").fill(TITLE)
    p.locator("#state").select_option("ES")
    p.locator('input[name=rights_invoked][value="11(1)"]').check()
    next_step(p)
    p.locator("#narrative").fill("El 3 de marzo de 2024 el ayuntamiento demolió 40 viviendas sin aviso previo ni "
                                 "alojamiento alternativo.")
    p.locator("#facts_start").fill("2024-03-03")
    p.locator("#continuing").select_option("no")
    es.look(p, "facts")
    next_step(p)
    p.locator("#author_is_victim").select_option("no")
    p.locator("#acting_on_behalf").select_option("yes")
    p.locator("#victims_under_jurisdiction").select_option("yes")
    follow(p.locator("main button[name=action][value=add-victims]"))
    p.locator("#victims-0-name").fill(VICTIM)
    p.locator("#victims-0-consent").select_option("yes")
    es.look(p, "victims")
    next_step(p)
    follow(p.locator("main button[name=action][value=add-remedies]"))
    p.locator("#remedies-0-body").fill("Tribunal Constitucional")
    p.locator("#remedies-0-kind").select_option("constitutional")
    p.locator("#remedies-0-filed").fill(day(200))
    p.locator("#remedies-0-decided").fill(day(40))  # no notification date: the lawyer will ask for it
    p.locator("#remedies-0-outcome").select_option("rejected")
    p.locator("#remedies-0-final").select_option("yes")
    p.locator("#remedies-0-addressed_substance").select_option("yes")
    es.look(p, "remedies")
    next_step(p)
    es.look(p, "procedures")
    next_step(p)
    p.locator("#evidence").set_input_files(EVIDENCE)
    es.look(p, "files")
    next_step(p)
    es.look(p, "review")
    follow(p.locator("main button.btn[name=action][value=submit]").first)
    expect(p.get_by_role("heading", name="Denuncia enviada")).to_be_visible()
    reference = p.locator("#reference").inner_text()
    assert re.fullmatch(r"ESCR-\d{4}-\d{4}", reference)
    es.look(p, "submitted")
    follow(p.get_by_role("link", name="Ver la denuncia"))
    expect(p.get_by_role("heading", name=TITLE)).to_be_visible()
    report_url = p.url
    es.look(p, "report")

    # 2. The lawyer's browser asks for French: the queue, the workspace with the engine's reasons, the
    # assessment, the request for information.
    lw = browsing.person("avocate", locale="fr-FR")
    sign_in(lw, lawyer, welcome="Bienvenue, ")
    fr.look(lw, "home")
    follow(menu(lw, "Boîte de réception", "Navigation principale"))
    expect(lw.get_by_role("heading", name="File d'examen préliminaire")).to_be_visible()
    fr.look(lw, "queue")
    follow(lw.get_by_role("link", name=TITLE))
    expect(lw.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(lw.locator("#stage")).to_have_text("Envoyé")
    fr.look(lw, "workspace")
    follow(lw.get_by_role("link", name="Enregistrer une évaluation"))
    fr.look(lw, "assessment")
    for status in lw.locator("select[name^=status_]").all():
        status.select_option("met")
    for reason in lw.locator("textarea[name^=reason_]").all():
        reason.fill("Vérifié sur le jugement et le dossier.")
    for score in lw.locator("select[name^=score_]").all():
        score.select_option("4")
    lw.locator("#summary").fill("Affaire de logement solide ; la date de notification reste à confirmer.")
    follow(lw.get_by_role("button", name="Enregistrer cette version"))
    flash(lw, "Évaluation enregistrée comme nouvelle version.")
    expect(lw.locator("#lawyer-overall")).to_have_text("Recevable à première vue")
    fr.look(lw, "assessed")
    follow(lw.get_by_role("link", name="Demander des informations"))
    fr.look(lw, "request")
    lw.locator("#body").fill("À quelle date le jugement a-t-il été notifié aux familles ?")
    follow(lw.get_by_role("button", name="Envoyer la demande"))
    expect(lw.locator("#stage")).to_have_text("Informations demandées")
    fr.look(lw, "information-requested")

    # 3. The partner reads the request and answers it, in Spanish.
    p.goto(report_url)
    expect(p.locator("#information-request")).to_be_visible()
    es.look(p, "information-requested")
    p.locator("#body").fill("La sentencia se notificó a las familias hace 35 días.")
    follow(p.get_by_role("button", name="Enviar", exact=True))
    flash(p, "Mensaje enviado.")
    es.look(p, "answered")
    for path, name in (("/notifications", "notifications"), ("/account", "account")):
        p.goto(path)
        es.look(p, name)
    browsing.expect_status("/intake/00000000-0000-0000-0000-000000000000", 404)
    p.goto("/intake/00000000-0000-0000-0000-000000000000")
    es.look(p, "not-found")

    # 4. The lawyer reads the answer, then the pages around the case, in French.
    lw.reload()
    expect(lw.locator("#thread").get_by_text("hace 35 días")).to_be_visible()
    fr.look(lw, "answer-read")
    for path, name in (("/notifications", "notifications"), ("/deadlines", "deadlines"),
                       ("/decisions", "decisions"), ("/account", "account")):
        lw.goto(path)
        fr.look(lw, name)

    es.assert_no_english()
    fr.assert_no_english()
    browsing.assert_clean()


def test_a_spanish_coordinator_and_a_french_admin_read_their_pages_in_their_languages(browsing, live_server):
    """The coordinator's case pages (the Committee's record, its events, follow-up and publicity) in Spanish,
    and the administrator's (accounts, organisations, the States register, the audit log) in French. Their
    accounts chose the language on the account page; the browsers ask for English."""
    app = live_server.app
    org = make_organisation(f"Derechos en Acción {secrets.token_hex(3)}")
    coordinator = make_user(app, roles.COORDINATOR)
    admin = make_user(app, roles.ADMIN)
    case, _communication = decided_case(app, org, title="Desalojo forzoso en el barrio del Río", state="ES",
                                        summary="El Comité constató una violación del artículo 11, párrafo 1.")
    add_to_team(case, coordinator.user)
    es, fr = Reader(browsing, "es"), Reader(browsing, "fr")

    co = browsing.person("coordinadora")
    sign_in(co, coordinator)
    co.goto("/account")
    co.locator("#locale").select_option("es")
    follow(co.locator("#locale").locator("xpath=ancestor::form").locator("button[type=submit]"))
    expect(co.locator("html")).to_have_attribute("lang", "es")
    es.look(co, "account")
    for path, name in (("/", "home"), ("/committee", "cases"), (f"/committee/{case.uuid}", "case"),
                       (f"/committee/{case.uuid}/record", "record"), ("/deadlines", "deadlines"),
                       ("/dashboard", "dashboard"), ("/notifications", "notifications"), ("/decisions", "decisions")):
        co.goto(path)
        es.look(co, name)
    # Bad input on the Committee's record: the refusal is Spanish too.
    co.goto(f"/committee/{case.uuid}/record")
    follow(co.locator("main a[href*='event=']").first)
    date_field = co.locator("main input[type=date]").first
    date_field.evaluate("el => { el.type = 'text'; el.value = '31/02/2026'; }")
    browsing.expect_status(f"/committee/{case.uuid}/record", 400)  # refused on purpose
    follow(co.locator("main button[type=submit]").last)
    es.look(co, "record-refused")

    ad = browsing.person("administratrice")
    sign_in(ad, admin)
    ad.goto("/account")
    ad.locator("#locale").select_option("fr")
    follow(ad.locator("#locale").locator("xpath=ancestor::form").locator("button[type=submit]"))
    fr.look(ad, "account")
    for path, name in (("/", "home"), ("/admin/users", "users"), ("/admin/users/new", "new-user"),
                       (f"/admin/users/{coordinator.user.uuid}", "user"), ("/admin/organisations", "organisations"),
                       ("/admin/organisations/new", "new-organisation"), ("/admin/states", "register"),
                       ("/admin/states/ES", "state"), ("/admin/states/covenant", "covenant"),
                       ("/admin/states/check", "register-check"), ("/admin/audit", "audit"),
                       ("/admin/mail", "undeliverable-mail")):
        ad.goto(path)
        fr.look(ad, name)
    # Bad input: a new account without an e-mail address.
    ad.goto("/admin/users/new")
    browsing.expect_status("/admin/users/new", 400)  # refused on purpose
    follow(ad.locator("main button[type=submit]").last)
    fr.look(ad, "new-user-refused")

    es.assert_no_english()
    fr.assert_no_english()
    browsing.assert_clean()
