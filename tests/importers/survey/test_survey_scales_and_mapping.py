"""Scales in six languages, missing answers, and the mapping file's errors."""

from __future__ import annotations

import pytest

from partner_analytics.importers.survey import MappingError, parse_mapping
from partner_analytics.importers.survey.scales import BUILTIN, LANGUAGES, builtin_scale


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("name", list(BUILTIN))
def test_every_built_in_scale_reads_its_labels_in_every_language(name, lang):
    b = BUILTIN[name]
    scale = builtin_scale(name)
    for value, label in zip(b.values, b.labels[lang], strict=True):
        assert scale.read(label) == ("ok", float(value)), label
        assert scale.read(label.upper()) == ("ok", float(value)), label


@pytest.mark.parametrize(
    ("answer", "value"),
    [("Neither agree or disagree", 3), ("Strongly Agree", 5), ("\ufeffStrongly disagree", 1), ("De acuerdo", 4),
     ("D’accord", 4), ("Enig", 4), ("Stimme eher zu", 4), ("Concordo totalmente", 5), ("5 - Strongly agree", 5),
     ("2 (Disagree)", 2), ("Agree (4)", 4), (3.0, 3), ("4", 4)],
)
def test_agreement_answers_in_their_real_spellings(answer, value):
    assert builtin_scale("agree5").read(answer) == ("ok", float(value))


@pytest.mark.parametrize("answer", ["Don't know", "N/A", "Not applicable", "99", "Je ne sais pas", "No sé", "Não sei",
                                    "Weiß nicht", "Vet ikke", "dk"])
def test_dont_know_and_not_applicable_are_missing_never_zero(answer):
    assert builtin_scale("agree5").read(answer) == ("missing", None)


def test_the_trust_value_and_level_scales():
    assert builtin_scale("trust4").read("A fair amount") == ("ok", 3.0)
    assert builtin_scale("trust4").read("5") == ("unknown", None)
    assert builtin_scale("level6").read("Coordination") == ("ok", 3.0)
    assert builtin_scale("level6").read("0") == ("ok", 0.0)
    assert builtin_scale("support5").read("Strongly oppose") == ("ok", -2.0)


def test_a_range_answer_is_not_read_as_its_first_number():
    assert builtin_scale("agree5").read("3-5") == ("unknown", None)


def _errors(text):
    with pytest.raises(MappingError) as exc:
        parse_mapping(text, "m.yml")
    return exc.value.problems, str(exc.value)


def test_a_wrong_mapping_says_the_line_the_key_and_what_was_expected():
    problems, text = _errors(
        "version: 1\n"
        "wave: {from: sometime}\n"
        "organisation: {column: Org}\n"
        "assessments:\n"
        "  scael: agree5\n"
        "  questions:\n"
        "    Q1: {factor_code: '601', item_code: W1}\n"
        "exclude: {status: [tests], partial_below: 2}\n"
    )
    found = {key: (line, msg) for line, key, msg in problems}
    assert found["wave.from"][0] == 2 and "expected one of submission_date, column, value" in found["wave.from"][1]
    assert found["assessments.scael"][0] == 5 and "unknown key" in found["assessments.scael"][1]
    assert found["assessments.questions.Q1"][0] == 7 and "exactly one of factor_code or item_code" in found["assessments.questions.Q1"][1]
    assert found["exclude.status[0]"][0] == 8 and "expected one of test" in found["exclude.status[0]"][1]
    assert "between 0 and 1" in found["exclude.partial_below"][1]
    assert "m.yml line 2, wave.from" in text


def test_invalid_yaml_is_reported_with_its_line():
    problems, _ = _errors("version: 1\nwave: [unclosed\n")
    assert problems[0][0] is not None and "not valid YAML" in problems[0][2]


def test_a_mapping_that_maps_nothing_or_lacks_the_organisation_is_refused():
    problems, _ = _errors("version: 1\n")
    assert any("maps nothing" in p[2] for p in problems)
    problems, _ = _errors("version: 1\nassessments: {questions: {Q1: {factor_code: '601'}}}\n")
    assert any(p[1] == "organisation" for p in problems)


def test_a_rated_table_needs_its_required_fields():
    problems, _ = _errors("version: 1\nstakeholder_ratings:\n  repeat: r\n  stakeholder: {column: who}\n"
                          "  fields: {power: p}\n")
    assert any("'interest' is a required column" in p[2] for p in problems)


def test_codes_and_ids_the_package_does_not_have_are_refused_with_their_line(tmp_path, package):
    from partner_analytics import load_partnership
    from partner_analytics.importers.survey import Instrument, build_tables, read_export

    (tmp_path / "e.csv").write_text("Org,Q1,Q2\nP01,4,5\n", encoding="utf-8")
    m = parse_mapping("version: 1\nwave: {value: 2026-Q1}\norganisation:\n  column: Org\n  values: {Council: P99}\n"
                      "assessments:\n  questions:\n    Q1: {factor_code: '699'}\n    Q2: {factor_code: '601'}\n", "m.yml")
    with pytest.raises(MappingError) as exc:
        build_tables(read_export(tmp_path / "e.csv"), m, Instrument.from_partnership(load_partnership(package)))
    found = {key: line for line, key, _ in exc.value.problems}
    assert found == {"organisation.values.Council": 5, "assessments.questions.Q1.factor_code": 8}
