"""Inbound classification: the multilingual keyword table and the traps around it."""

import pytest

from listwarden.keywords import HELP, OPT_IN, OPT_OUT, OTHER, UNCLEAR, Classifier


@pytest.fixture(scope="module")
def classifier(policy):
    return Classifier(policy)


@pytest.mark.parametrize(("body", "kind", "rule"), [
    ("STOP", OPT_OUT, "keyword:en:STOP"), ("Stop.", OPT_OUT, "keyword:en:STOP"), (" stop!! ", OPT_OUT, "keyword:en:STOP"),
    ("stopall", OPT_OUT, "keyword:en:STOPALL"), ("Unsubscribe", OPT_OUT, "keyword:en:UNSUBSCRIBE"),
    ("cancel", OPT_OUT, "keyword:en:CANCEL"), ("END", OPT_OUT, "keyword:en:END"), ("quit", OPT_OUT, "keyword:en:QUIT"),
    ("Revoke", OPT_OUT, "keyword:en:REVOKE"), ("optout", OPT_OUT, "keyword:en:OPTOUT"),
    ("opt out", OPT_OUT, "keyword:en:OPTOUT"), ("Opt-Out!", OPT_OUT, "keyword:en:OPTOUT"),
    ("ARRET", OPT_OUT, "keyword:fr:ARRET"), ("Arrêt", OPT_OUT, "keyword:fr:ARRET"), ("arrêt.", OPT_OUT, "keyword:fr:ARRET"),
    ("BAJA", OPT_OUT, "keyword:es:BAJA"), ("baja", OPT_OUT, "keyword:es:BAJA"), ("¡Alto!", OPT_OUT, "keyword:es:ALTO"),
    ("СТОП", OPT_OUT, "keyword:ru:СТОП"), ("стоп", OPT_OUT, "keyword:ru:СТОП"),
    ("Отписаться", OPT_OUT, "keyword:ru:ОТПИСАТЬСЯ"), ("退订", OPT_OUT, "keyword:zh:退订"), ("td", OPT_OUT, "keyword:zh:TD"),
    ("STOP STOP", OPT_OUT, "keywords:stop stop"),
    ("START", OPT_IN, "keyword:START"), ("unstop", OPT_IN, "keyword:UNSTOP"), ("Yes", OPT_IN, "keyword:YES"),
    ("HELP", HELP, "keyword:HELP"), ("info?", HELP, "keyword:INFO"),
    ("please stop texting me", OPT_OUT, "phrase:en:please stop texting me"),
    ("Please STOP texting me!!", OPT_OUT, "phrase:en:please stop texting me"),
    ("Hi, can you remove me from your list please", OPT_OUT, "phrase:en:remove me from your list"),
    ("unsubscribe me", OPT_OUT, "phrase:en:unsubscribe me"),
    ("stop sending me messages, thanks", OPT_OUT, "phrase:en:stop sending me messages"),
    ("don't stop texting me", UNCLEAR, "negated phrase:en:stop texting me"),
    ("can you stop by the store at 5?", UNCLEAR, "mentions:stop"),
    ("don't stop the deals coming", UNCLEAR, "mentions:stop"),
    ("请帮我退订谢谢", UNCLEAR, "mentions:退订"),
    ("Thanks!", OTHER, None), ("What time do you open on Sunday?", OTHER, None), ("", OTHER, None), (None, OTHER, None),
    ("Merci !", OTHER, None), ("stopping by later", OTHER, None),
])
def test_inbound_classification(classifier, body, kind, rule):
    result = classifier.classify(body)
    assert (result.kind, result.rule) == (kind, rule)


def test_no_ordinary_sentence_is_an_opt_out(classifier):
    for sentence in ("can you stop by the store at 5?", "don't stop the deals coming", "the end of the sale?",
                     "I want to cancel my order", "stop", "Stop it"):
        assert classifier.classify(sentence).kind != OPT_OUT or sentence == "stop"


def test_keywords_are_extendable_per_language(policy):
    extended = policy.model_copy(update={"opt_out": policy.opt_out.model_copy(
        update={"keywords": {**policy.opt_out.keywords, "de": ["ABMELDEN"]},
                "phrases": {**policy.opt_out.phrases, "fr": ["ne plus recevoir"]}})})
    classifier = Classifier(extended)
    assert classifier.classify("Abmelden").rule == "keyword:de:ABMELDEN"
    assert classifier.classify("je veux ne plus recevoir de SMS").rule == "phrase:fr:ne plus recevoir"
