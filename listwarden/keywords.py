"""What an inbound message asks for: opt-out, opt-in, help, unclear (for a person to review), or other.

Matching ignores case, accents, spaces and punctuation ("Stop.", " stop!! ", "Arrêt", "opt-out").
In order:
1. the whole message is an opt-out, opt-in or help keyword, or opt-out keywords only ("STOP STOP");
2. the message contains an opt-out phrase ("please stop texting me") as whole words, not negated;
3. it contains an opt-out keyword as a word ("can you stop by at 5?") or a negated phrase
   ("don't stop texting me"): unclear, to the review queue, never an opt-out by itself;
4. anything else is other.
Each result names the rule that matched, e.g. `keyword:fr:ARRÊT` or `phrase:en:remove me from your list`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from listwarden.policy import Policy

OPT_OUT, OPT_IN, HELP, UNCLEAR, OTHER = "opt_out", "opt_in", "help", "unclear", "other"
NEGATIONS = {"dont", "do not", "never", "not", "no"}
_WORD_CHARACTERS = re.compile(r"[^\w]+", re.UNICODE)


@dataclass(frozen=True)
class Classification:
    kind: str
    rule: str | None


def folded(text: str) -> str:
    """Case and accents removed: 'Arrêt' -> 'arret', 'СТОП' -> 'стоп'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def words(text: str) -> list[str]:
    """Folded words; apostrophes join ('don't' -> 'dont'), other punctuation separates."""
    return [word for word in _WORD_CHARACTERS.split(folded(text).replace("'", "").replace("’", "")) if word]


def compact(text: str) -> str:
    """Folded letters and digits only: 'OPT OUT', 'opt-out' and 'Optout!' are all 'optout'."""
    return "".join(words(text)).replace("_", "")


class Classifier:
    def __init__(self, policy: Policy):
        self.exact: dict[str, Classification] = {}
        for language, keywords in policy.opt_out.keywords.items():
            for keyword in keywords:
                self.exact.setdefault(compact(keyword), Classification(OPT_OUT, f"keyword:{language}:{keyword}"))
        for kind, keywords in ((OPT_IN, policy.opt_in_keywords), (HELP, policy.help_keywords)):
            for keyword in keywords:
                self.exact.setdefault(compact(keyword), Classification(kind, f"keyword:{keyword}"))
        self.opt_out_words = {compact(k) for k in self.exact if self.exact[k].kind == OPT_OUT}
        self.phrases = [(words(phrase), f"phrase:{language}:{phrase}")
                        for language, phrases in policy.opt_out.phrases.items() for phrase in phrases]

    def classify(self, body: str | None) -> Classification:
        tokens = words(body or "")
        if not tokens:
            return Classification(OTHER, None)
        whole = self.exact.get("".join(tokens).replace("_", ""))
        if whole:
            return whole
        if all(token in self.opt_out_words for token in tokens):
            return Classification(OPT_OUT, f"keywords:{' '.join(tokens)}")
        negated = None
        for phrase, rule in self.phrases:
            for start in _occurrences(tokens, phrase):
                if _negated(tokens, start):
                    negated = rule
                else:
                    return Classification(OPT_OUT, rule)
        if negated:
            return Classification(UNCLEAR, f"negated {negated}")
        mentioned = next((token for token in tokens if token in self.opt_out_words), None)
        if mentioned is None:  # scripts written without spaces: the keyword inside a longer run
            mentioned = next((word for word in self.opt_out_words if not word.isascii() and word in "".join(tokens)), None)
        if mentioned:
            return Classification(UNCLEAR, f"mentions:{mentioned}")
        return Classification(OTHER, None)


def _occurrences(tokens: list[str], phrase: list[str]) -> list[int]:
    size = len(phrase)
    return [start for start in range(len(tokens) - size + 1) if tokens[start:start + size] == phrase]


def _negated(tokens: list[str], start: int) -> bool:
    before = tokens[max(0, start - 2):start]
    return bool(before) and (before[-1] in NEGATIONS or " ".join(before) in NEGATIONS)
