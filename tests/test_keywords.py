"""Inbound classification: the labelled corpus of real replies, each rule by name, and the traps."""

import csv
from collections import Counter
from pathlib import Path

import pytest

from listwarden.keywords import HELP, OPT_IN, OPT_OUT, OTHER, UNCLEAR, Classifier
from listwarden.policy import ReplyLanguage

CORPUS = Path(__file__).parent / "data" / "replies.csv"
with CORPUS.open(encoding="utf-8", newline="") as _file:
    REPLIES = list(csv.DictReader(_file))
NOT_AN_OPT_OUT = {OTHER, UNCLEAR}


@pytest.fixture(scope="module")
def classifier(policy):
    return Classifier(policy)


@pytest.fixture(scope="module")
def corpus_results(classifier):
    return classifier.classify([row["body"] for row in REPLIES])


def test_the_corpus_is_sourced_and_covers_many_languages():
    assert len(REPLIES) >= 400
    per_language = Counter(row["language"] for row in REPLIES)
    assert len(per_language) >= 12 and min(per_language.values()) >= 18
    assert all(row["source"].strip() for row in REPLIES)
    assert {row["means"] for row in REPLIES} == {OPT_OUT, OPT_IN, HELP, OTHER, UNCLEAR}


@pytest.mark.parametrize("index", range(len(REPLIES)),
                         ids=[f"{row['language']}-{row['means']}-{n}" for n, row in enumerate(REPLIES)])
def test_every_corpus_reply_reads_as_a_reasonable_person_would(corpus_results, index):
    row, result = REPLIES[index], corpus_results[index]
    if row["means"] in NOT_AN_OPT_OUT:
        assert result.kind in NOT_AN_OPT_OUT, (row["body"], result)
    else:
        assert result.kind == row["means"], (row["body"], result)
    assert (result.rule is None) == (result.kind == OTHER)


def test_the_review_queue_holds_under_three_percent_of_the_corpus(corpus_results):
    assert sum(result.kind == UNCLEAR for result in corpus_results) < 0.03 * len(REPLIES)


@pytest.mark.parametrize(("body", "kind", "rule"), [
    ("STOP", OPT_OUT, "keyword:en:STOP"), (" stop!! ", OPT_OUT, "keyword:en:STOP"),
    ("Opt-Out!", OPT_OUT, "keyword:en:OPTOUT"), ("ＳＴＯＰ", OPT_OUT, "keyword:en:STOP"),
    ("arrêt.", OPT_OUT, "keyword:fr:ARRET"), ("¡Alto!", OPT_OUT, "keyword:es:ALTO"), ("стоп", OPT_OUT, "keyword:ru:СТОП"),
    ("Stop please!!", OPT_OUT, "keyword+filler:en:STOP"), ("STOP ACME 2", OPT_OUT, "keyword+filler:en:STOP"),
    ("STOP STOP", OPT_OUT, "keyword+filler:en:STOP"), ("请帮我退订谢谢", OPT_OUT, "keyword+filler:zh:退订"),
    ("STOP. Too many texts", OPT_OUT, "keyword+reason:en:STOP"),
    ("Who is this? Stop", OPT_OUT, "keyword+reason:en:STOP"),
    ("Stop Abjjad", OPT_OUT, "keyword+name:en:STOP"),
    ("Never text me again", OPT_OUT, "request:en:{neg} {send} {me}"),
    ("leave me alone", OPT_OUT, "request:en:leave {me} alone"),
    ("stpo", OPT_OUT, "fuzzy:en:STOP"), ("STOPPPP", OPT_OUT, "fuzzy:en:STOP"), ("unsubscibe", OPT_OUT, "fuzzy:en:UNSUBSCRIBE"),
    ("Yes", OPT_IN, "keyword:en:YES"), ("help please", HELP, "keyword+filler:en:HELP"),
    ("Will the sale stop on Sunday?", UNCLEAR, "mentions:en:STOP"),
    ("Thanks!", OTHER, None), ("", OTHER, None), (None, OTHER, None), ("stopping by later", OTHER, None),
])
def test_each_rule_names_itself(classifier, body, kind, rule):
    (result,) = classifier.classify([body])
    assert (result.kind, result.rule) == (kind, rule)


@pytest.mark.parametrize("body", [
    "can you stop by the store at 5?", "see you at the end of the week", "I quit my job", "I want to cancel my order",
    "don't stop the deals coming", "don't stop texting me", "what does reply STOP to opt out mean?",
    "Liked “Reply STOP to end”", "We need to stop the bill", "shop", "step", "quite", "stops", "Cancel Order",
    "please remove this item",
])
def test_a_sentence_that_merely_holds_a_keyword_is_never_an_opt_out(classifier, body):
    (result,) = classifier.classify([body])
    assert result.kind in NOT_AN_OPT_OUT, result


def test_a_language_is_added_as_data(policy):
    swedish = ReplyLanguage(stemmer="swedish", opt_out=["AVSLUTA"], slots={"send": ["skicka"]},
                            negations=["inte"], requests=["{neg} {send}"])
    classifier = Classifier(policy.model_copy(update={"replies": {**policy.replies, "sv": swedish}}))
    assert [result.rule for result in classifier.classify(["Avsluta!", "inte skickar fler", "Hej"])] == [
        "keyword:sv:AVSLUTA", "request:sv:{neg} {send}", None]


def test_a_policy_whose_replies_cannot_opt_out_is_refused(policy):
    with pytest.raises(ValueError, match="no language lists an opt_out keyword"):
        type(policy).model_validate({**policy.model_dump(), "replies": {"en": {"help": ["HELP"]}}})


def test_a_request_naming_an_undeclared_slot_is_refused():
    with pytest.raises(ValueError, match="slots that are not declared"):
        ReplyLanguage(requests=["{halt} {send}"], slots={"send": ["text"]})
    with pytest.raises(ValueError, match="not a Snowball stemmer"):
        ReplyLanguage(stemmer="klingon")
