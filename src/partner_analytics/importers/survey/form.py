"""The package's instrument as an XLSForm (KoboToolbox, ODK), and the mapping that imports it.

The form asks, in the languages given:

- the respondent's organisation (a choice among the partners; candidates and partners that
  have left are not offered);
- each factor (or, with an ``items`` table, each item) on the 5-point agreement scale, with
  "Don't know";
- a repeat rating one stakeholder per entry: power, interest, legitimacy, urgency (very low ..
  very high) and support (strongly oppose .. strongly support);
- a repeat rating one other partner organisation per entry: the level of collaboration
  (none .. collaboration) and the three trust and three value items (not at all .. a great
  deal).

Beside it, ``FORM.mapping.yml`` maps an export of the form (XML values and headers, any group
separator; Kobo XLSX or ODK Central zip) to the package's tables with no edits: the wave is
the quarter of each submission's date unless ``wave`` is given.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from partner_analytics.importers.survey.mapping import dump_yaml
from partner_analytics.importers.survey.model import STATUS_REASONS
from partner_analytics.importers.survey.scales import BUILTIN, LANGUAGES

__all__ = ["TEXTS", "form_rows", "mapping_path_for", "write_form"]

# The form's own words, per language.
TEXTS: dict[str, dict[str, str]] = {
    "about": {"en": "About you", "fr": "À propos de vous", "es": "Sobre usted", "pt": "Sobre você",
              "de": "Über Sie", "nb": "Om deg"},
    "organisation": {
        "en": "Which partner organisation do you work for?",
        "fr": "Pour quelle organisation partenaire travaillez-vous ?",
        "es": "¿Para qué organización socia trabaja?",
        "pt": "Para qual organização parceira você trabalha?",
        "de": "Für welche Partnerorganisation arbeiten Sie?",
        "nb": "Hvilken partnerorganisasjon jobber du for?",
    },
    "email": {
        "en": "Your e-mail address (it only links your answers across survey rounds and is never stored)",
        "fr": "Votre adresse e-mail (elle relie seulement vos réponses d'une enquête à l'autre et n'est jamais conservée)",
        "es": "Su correo electrónico (solo enlaza sus respuestas entre rondas y nunca se guarda)",
        "pt": "Seu e-mail (serve apenas para ligar suas respostas entre rodadas e nunca é armazenado)",
        "de": "Ihre E-Mail-Adresse (sie verknüpft nur Ihre Antworten zwischen Befragungsrunden und wird nie gespeichert)",
        "nb": "E-postadressen din (den kobler bare svarene dine mellom rundene og lagres aldri)",
    },
    "factors": {"en": "How the partnership works", "fr": "Le fonctionnement du partenariat",
                "es": "Cómo funciona la alianza", "pt": "Como a parceria funciona",
                "de": "Wie die Partnerschaft funktioniert", "nb": "Hvordan partnerskapet fungerer"},
    "factor": {"en": "The partnership does well on: {name}", "fr": "Le partenariat réussit sur : {name}",
               "es": "La alianza funciona bien en: {name}", "pt": "A parceria vai bem em: {name}",
               "de": "Die Partnerschaft ist gut bei: {name}", "nb": "Partnerskapet lykkes med: {name}"},
    "stakeholders": {"en": "Rate a stakeholder (add one entry per stakeholder)",
                     "fr": "Évaluez une partie prenante (une entrée par partie prenante)",
                     "es": "Valore a una parte interesada (una entrada por parte interesada)",
                     "pt": "Avalie uma parte interessada (uma entrada por parte interessada)",
                     "de": "Bewerten Sie eine Anspruchsgruppe (ein Eintrag je Anspruchsgruppe)",
                     "nb": "Vurder en interessent (én oppføring per interessent)"},
    "stakeholder": {"en": "Stakeholder", "fr": "Partie prenante", "es": "Parte interesada",
                    "pt": "Parte interessada", "de": "Anspruchsgruppe", "nb": "Interessent"},
    "power": {"en": "Power: how much can they influence the partnership?",
              "fr": "Pouvoir : dans quelle mesure peuvent-ils influencer le partenariat ?",
              "es": "Poder: ¿cuánto pueden influir en la alianza?",
              "pt": "Poder: quanto podem influenciar a parceria?",
              "de": "Macht: Wie stark können sie die Partnerschaft beeinflussen?",
              "nb": "Makt: Hvor mye kan de påvirke partnerskapet?"},
    "interest": {"en": "Interest: how much do they care about the partnership?",
                 "fr": "Intérêt : dans quelle mesure le partenariat les intéresse-t-il ?",
                 "es": "Interés: ¿cuánto les importa la alianza?",
                 "pt": "Interesse: quanto se importam com a parceria?",
                 "de": "Interesse: Wie wichtig ist ihnen die Partnerschaft?",
                 "nb": "Interesse: Hvor opptatt er de av partnerskapet?"},
    "legitimacy": {"en": "Legitimacy: how legitimate is their claim on the partnership?",
                   "fr": "Légitimité : leur revendication envers le partenariat est-elle légitime ?",
                   "es": "Legitimidad: ¿qué tan legítima es su reivindicación?",
                   "pt": "Legitimidade: quão legítima é a sua reivindicação?",
                   "de": "Legitimität: Wie berechtigt ist ihr Anspruch an die Partnerschaft?",
                   "nb": "Legitimitet: Hvor legitimt er kravet deres?"},
    "urgency": {"en": "Urgency: how urgent are their demands?",
                "fr": "Urgence : leurs demandes sont-elles urgentes ?",
                "es": "Urgencia: ¿qué tan urgentes son sus demandas?",
                "pt": "Urgência: quão urgentes são as suas demandas?",
                "de": "Dringlichkeit: Wie dringend sind ihre Anliegen?",
                "nb": "Hast: Hvor presserende er kravene deres?"},
    "support": {"en": "Support: do they support or oppose the partnership?",
                "fr": "Soutien : soutiennent-ils le partenariat ou s'y opposent-ils ?",
                "es": "Apoyo: ¿apoyan la alianza o se oponen a ella?",
                "pt": "Apoio: apoiam a parceria ou se opõem a ela?",
                "de": "Unterstützung: Unterstützen sie die Partnerschaft oder lehnen sie sie ab?",
                "nb": "Støtte: Støtter de partnerskapet eller er de imot det?"},
    "partners": {"en": "Rate another partner organisation (add one entry per organisation)",
                 "fr": "Évaluez une autre organisation partenaire (une entrée par organisation)",
                 "es": "Valore otra organización socia (una entrada por organización)",
                 "pt": "Avalie outra organização parceira (uma entrada por organização)",
                 "de": "Bewerten Sie eine andere Partnerorganisation (ein Eintrag je Organisation)",
                 "nb": "Vurder en annen partnerorganisasjon (én oppføring per organisasjon)"},
    "partner": {"en": "Partner organisation", "fr": "Organisation partenaire", "es": "Organización socia",
                "pt": "Organização parceira", "de": "Partnerorganisation", "nb": "Partnerorganisasjon"},
    "level": {"en": "How does your organisation work with them?",
              "fr": "Comment votre organisation travaille-t-elle avec eux ?",
              "es": "¿Cómo trabaja su organización con ellos?",
              "pt": "Como a sua organização trabalha com eles?",
              "de": "Wie arbeitet Ihre Organisation mit ihnen zusammen?",
              "nb": "Hvordan samarbeider organisasjonen din med dem?"},
    "trust_openness": {"en": "How much do you trust them to be open to discussion?",
                       "fr": "Dans quelle mesure leur faites-vous confiance pour être ouverts à la discussion ?",
                       "es": "¿Cuánto confía en que estén abiertos al diálogo?",
                       "pt": "Quanto você confia que estejam abertos ao diálogo?",
                       "de": "Wie sehr vertrauen Sie darauf, dass sie offen für Gespräche sind?",
                       "nb": "Hvor mye stoler du på at de er åpne for diskusjon?"},
    "trust_reliability": {"en": "How much do you trust them to do what they say they will do?",
                          "fr": "Dans quelle mesure leur faites-vous confiance pour tenir parole ?",
                          "es": "¿Cuánto confía en que cumplan lo que dicen?",
                          "pt": "Quanto você confia que cumpram o que dizem?",
                          "de": "Wie sehr vertrauen Sie darauf, dass sie tun, was sie sagen?",
                          "nb": "Hvor mye stoler du på at de gjør det de sier?"},
    "trust_mission": {"en": "How much do you trust them to support the partnership's mission?",
                      "fr": "Dans quelle mesure leur faites-vous confiance pour soutenir la mission du partenariat ?",
                      "es": "¿Cuánto confía en que apoyen la misión de la alianza?",
                      "pt": "Quanto você confia que apoiem a missão da parceria?",
                      "de": "Wie sehr vertrauen Sie darauf, dass sie die Ziele der Partnerschaft unterstützen?",
                      "nb": "Hvor mye stoler du på at de støtter partnerskapets oppdrag?"},
    "value_power": {"en": "How much power and influence do they bring to the partnership?",
                    "fr": "Quel pouvoir et quelle influence apportent-ils au partenariat ?",
                    "es": "¿Cuánto poder e influencia aportan a la alianza?",
                    "pt": "Quanto poder e influência trazem para a parceria?",
                    "de": "Wie viel Macht und Einfluss bringen sie in die Partnerschaft ein?",
                    "nb": "Hvor mye makt og innflytelse bringer de inn i partnerskapet?"},
    "value_resources": {"en": "How many resources do they contribute?",
                        "fr": "Quelles ressources apportent-ils ?",
                        "es": "¿Cuántos recursos aportan?",
                        "pt": "Quantos recursos contribuem?",
                        "de": "Wie viele Ressourcen bringen sie ein?",
                        "nb": "Hvor mye ressurser bidrar de med?"},
    "value_involvement": {"en": "How involved are they in the partnership?",
                          "fr": "Dans quelle mesure sont-ils impliqués dans le partenariat ?",
                          "es": "¿Qué tan involucrados están en la alianza?",
                          "pt": "Quão envolvidos estão na parceria?",
                          "de": "Wie stark sind sie an der Partnerschaft beteiligt?",
                          "nb": "Hvor involvert er de i partnerskapet?"},
    "dk": {"en": "Don't know", "fr": "Je ne sais pas", "es": "No sé", "pt": "Não sei", "de": "Weiß nicht",
           "nb": "Vet ikke"},
}

STAKEHOLDER_FIELDS = ("power", "interest", "legitimacy", "urgency", "support")
PARTNER_FIELDS = ("level", "trust_openness", "trust_reliability", "trust_mission",
                  "value_power", "value_resources", "value_involvement")
# the form's choice lists: list name -> built-in scale, with "Don't know"
LISTS = {"agree5": "agree5", "rating5": "rating5", "support5": "support5", "trust4": "trust4", "level6": "level6"}
FIELD_LIST = {"power": "rating5", "interest": "rating5", "legitimacy": "rating5", "urgency": "rating5",
              "support": "support5", "level": "level6", **{f: "trust4" for f in PARTNER_FIELDS[1:]}}
REQUIRED = {"power", "interest", "level"}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _xml_name(text: str, prefix: str) -> str:
    s = re.sub(r"[^A-Za-z0-9_]", "_", str(text))
    return s if _NAME.match(s) and not s.lower().startswith("xml") else f"{prefix}{s}"


def mapping_path_for(form: Path) -> Path:
    return form.with_name(form.stem + ".mapping.yml")


def _label(key: str, langs: list[str], **fmt) -> dict[str, str]:
    return {lang: TEXTS[key][lang].format(**fmt) for lang in langs}


def form_rows(p, langs: list[str], *, respondent: str = "submission") -> tuple[list[dict], list[dict], dict, dict]:
    """(survey rows, choice rows, settings, mapping) for the package ``p``."""
    partners = p.partners
    active = partners
    if "role" in partners.columns:
        active = active[active["role"].astype("str") != "candidate"]
    if "left" in partners.columns:
        active = active[active["left"].isna()]
    survey: list[dict] = [{"type": "start", "name": "start"}, {"type": "end", "name": "end"}]
    choices: list[dict] = []

    def choice(list_name: str, name: str, labels: dict[str, str]) -> None:
        choices.append({"list_name": list_name, "name": name, "label": labels})

    partner_names: dict[str, str] = {}
    for pid, name in zip(active["partner_id"], active["name"], strict=True):
        cname = _xml_name(pid, "p_")
        partner_names[cname] = str(pid)
        choice("partners", cname, {lang: str(name) for lang in langs})
    stakeholder_names: dict[str, str] = {}
    for sid, name in zip(p.stakeholders["stakeholder_id"], p.stakeholders["name"], strict=True):
        cname = _xml_name(sid, "s_")
        stakeholder_names[cname] = str(sid)
        choice("stakeholders", cname, {lang: str(name) for lang in langs})
    for list_name, scale in LISTS.items():
        b = BUILTIN[scale]
        for k, v in enumerate(b.values):
            # support's choices are named 1..5 (names cannot start with "-"); the mapping reads them as -2..+2
            cname = str(k + 1) if scale == "support5" else f"{v:g}"
            choice(list_name, cname, {lang: b.labels[lang][k] for lang in langs})
        if scale != "level6":
            choice(list_name, "dk", _label("dk", langs))
    survey.append({"type": "begin_group", "name": "about", "label": _label("about", langs)})
    survey.append({"type": "select_one partners", "name": "organisation", "label": _label("organisation", langs),
                   "required": "yes"})
    if respondent == "email":
        survey.append({"type": "text", "name": "email", "label": _label("email", langs), "required": "yes",
                       "constraint": "regex(., '^[^@ ]+@[^@ ]+[.][^@ ]+$')"})
    survey.append({"type": "end_group", "name": "about"})
    questions: dict[str, dict] = {}
    use_items = p.has("items")
    codes = (
        [(str(c), str(t) if isinstance(t, str) and t else str(c)) for c, t in zip(p.items["item_code"], p.items["text"], strict=True)]
        if use_items
        else [(str(c), str(n)) for c, n in zip(p.factors["factor_code"], p.factors["factor"], strict=True)]
    )
    survey.append({"type": "begin_group", "name": "factors", "label": _label("factors", langs), "appearance": "field-list"})
    used: set[str] = set()
    for code, text in codes:
        qname = _xml_name(code, "f_" if not use_items else "i_")
        qname = qname if not qname[0].isdigit() else f"f_{qname}"
        while qname in used:
            qname += "_"
        used.add(qname)
        label = {lang: text for lang in langs} if use_items else _label("factor", langs, name=text)
        survey.append({"type": "select_one agree5", "name": qname, "label": label, "appearance": "likert"})
        questions[f"factors/{qname}"] = {"item_code" if use_items else "factor_code": code}
    survey.append({"type": "end_group", "name": "factors"})
    survey.append({"type": "begin_repeat", "name": "stakeholders", "label": _label("stakeholders", langs)})
    survey.append({"type": "select_one stakeholders", "name": "stakeholder", "label": _label("stakeholder", langs),
                   "required": "yes"})
    for f in STAKEHOLDER_FIELDS:
        survey.append({"type": f"select_one {FIELD_LIST[f]}", "name": f, "label": _label(f, langs),
                       "required": "yes" if f in REQUIRED else None, "appearance": "likert"})
    survey.append({"type": "end_repeat", "name": "stakeholders"})
    survey.append({"type": "begin_repeat", "name": "partners", "label": _label("partners", langs)})
    survey.append({"type": "select_one partners", "name": "partner", "label": _label("partner", langs),
                   "required": "yes", "choice_filter": "name != ${organisation}"})
    for f in PARTNER_FIELDS:
        survey.append({"type": f"select_one {FIELD_LIST[f]}", "name": f, "label": _label(f, langs),
                       "required": "yes" if f in REQUIRED else None, "appearance": "likert"})
    survey.append({"type": "end_repeat", "name": "partners"})
    slug = re.sub(r"[^a-z0-9]+", "_", (p.name or "partnership").lower()).strip("_")[:40] or "partnership"
    form_id = f"{slug}_survey"
    digest = hashlib.sha256(repr((survey, choices)).encode("utf-8")).hexdigest()[:8]
    settings = {"form_title": f"{p.name or 'Partnership'} survey", "form_id": form_id, "version": digest,
                "default_language": LANGUAGES[langs[0]]}
    mapping = {
        "version": 1,
        "source": form_id.replace("_", "-"),
        "wave": {"from": "submission_date", "period": "quarter"},
        "respondent": {"from": "column", "column": "about/email"} if respondent == "email" else {"from": "submission_id"},
        "organisation": {"column": "about/organisation"},
        "scales": {"support": {"base": "support5", "numbers": False,
                               "labels": {str(k + 1): v for k, v in enumerate(BUILTIN["support5"].values)}}},
        "assessments": {"scale": "agree5", "questions": questions},
        "stakeholder_ratings": {
            "repeat": "stakeholders",
            "stakeholder": {"column": "stakeholders/stakeholder"},
            "fields": {f: f"stakeholders/{f}" for f in STAKEHOLDER_FIELDS},
            "scales": {"support": "support"},
        },
        "relationships": {
            "repeat": "partners",
            "partner": {"column": "partners/partner"},
            "fields": {f: f"partners/{f}" for f in PARTNER_FIELDS},
        },
        "exclude": {"status": list(STATUS_REASONS), "partial_below": 0.5},
    }
    odd_p = {k: v for k, v in partner_names.items() if k != v}
    if odd_p:
        mapping["organisation"]["values"] = odd_p
        mapping["relationships"]["partner"]["values"] = odd_p
    odd_s = {k: v for k, v in stakeholder_names.items() if k != v}
    if odd_s:
        mapping["stakeholder_ratings"]["stakeholder"]["values"] = odd_s
    return survey, choices, settings, mapping


def write_form(package, out: str | Path, *, languages=("en",), respondent: str = "submission",
               wave: str | None = None) -> tuple[Path, Path]:  # fmt: skip
    """Write ``out`` (an XLSForm .xlsx) and ``out``'s ``.mapping.yml``; returns both paths."""
    from openpyxl import Workbook

    from partner_analytics.data.load import load_partnership
    from partner_analytics.data.partnership import Partnership

    p = package if isinstance(package, Partnership) else load_partnership(package)
    langs = [lang.strip().lower() for lang in languages if lang.strip()]
    unknown = [lang for lang in langs if lang not in LANGUAGES]
    if unknown or not langs:
        raise ValueError(f"unknown language(s) {', '.join(unknown) or '(none)'}: expected some of {', '.join(LANGUAGES)}")
    survey, choices, settings, mapping = form_rows(p, langs, respondent=respondent)
    if wave is not None:
        from partner_analytics.data.periods import normalize_period

        canon = normalize_period(wave)
        if canon is None:
            raise ValueError(f"'{wave}' is not a period: expected YYYY, YYYY-MM, YYYY-Qn, YYYY-Hn or a date")
        mapping["wave"] = {"from": "value", "value": canon}
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise ValueError(f"{out}: an XLSForm is an .xlsx file")
    label_cols = [f"label::{LANGUAGES[lang]}" for lang in langs]
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    cols = ["type", "name", *label_cols, "required", "appearance", "choice_filter", "constraint"]
    ws.append(cols)
    for row in survey:
        labels = row.get("label") or {}
        ws.append([row.get("type"), row.get("name"), *[labels.get(lang) for lang in langs],
                   row.get("required"), row.get("appearance"), row.get("choice_filter"), row.get("constraint")])
    wc = wb.create_sheet("choices")
    wc.append(["list_name", "name", *label_cols])
    for row in choices:
        wc.append([row["list_name"], row["name"], *[row["label"][lang] for lang in langs]])
    wset = wb.create_sheet("settings")
    wset.append(list(settings))
    wset.append(list(settings.values()))
    for path in (out, mapping_path_for(out)):
        if path.is_symlink():
            raise ValueError(f"{path}: is a symbolic link; refusing to write through it")
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    head = (
        "# Mapping for the form beside this file, written by `partner-analytics survey form`.\n"
        "# It imports an export of that form (Kobo XLSX or ODK Central zip, XML values and headers)\n"
        "# with no edits: partner-analytics survey import EXPORT --mapping THIS --into PACKAGE\n"
    )
    mp = mapping_path_for(out)
    mp.write_text(head + dump_yaml(mapping) + "\n", encoding="utf-8")
    return out, mp
