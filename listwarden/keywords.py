"""What an inbound reply asks for: opt-out, opt-in, help, unclear (for a person to review), or other.

The reasonable-person standard: a reply that a reasonable person would read as a request to stop is
an opt-out, whatever its words. The words are data, per language, in the policy's `replies`; this
module compiles them into a handful of regular expressions run over whole columns of replies
(pyarrow's RE2 kernels), so a million distinct replies take seconds.

A reply is folded first: case, accents, width and apostrophes removed ("Arrêt", "ＳＴＯＰ", "don't"
become "arret", "stop", "dont"), sentence punctuation kept as a break, anything else separates words.
Then, in order, the first rule that holds decides, and the result names it with its language:
1. `keyword:<lang>:<KW>`: the whole reply is a keyword (opt-out, opt-in, help, or unclear: a word that
   is an opt-out in one language and not in another, such as Italian FINE);
2. `keyword+filler:<lang>:<KW>`: it is keywords among filler ("Stop please!!", "退订谢谢", "STOP ACME 2");
3. `keyword+reason:<lang>:<KW>`: one of its sentences is an opt-out keyword ("STOP. Too many texts");
   `keyword+name:<lang>:<KW>`: an opt-out keyword and one capitalised unknown word ("Stop Abjjad");
4. `request:<lang>:<pattern>`: it contains a request in words ("{stop} {send} me", "{neg} {send} me ... {again}")
   that is not negated ("don't stop texting me" is unclear, `negated:...`);
5. `fuzzy:<lang>:<KW>`: it is one misspelt keyword (a letter swapped, doubled or dropped; longer keywords
   any one edit): "stpo", "unsubscibe";
6. `mentions:<lang>:<KW>`: it mentions an opt-out keyword in some other way: unclear, to the review queue.
Uses of a keyword that ask for nothing ("stop by", "the end of", quoting "Reply STOP") are declared as
`ignore` patterns and removed before rules 3, 4 and 6; anything else is other.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import snowballstemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from listwarden.policy import Policy

OPT_OUT, OPT_IN, HELP, UNCLEAR, OTHER = "opt_out", "opt_in", "help", "unclear", "other"
KINDS = (OPT_OUT, OPT_IN, HELP, UNCLEAR)  # the keyword lists of a language

_SENTENCE_BREAKS = r"[.!?;,:\n\r。！？、，؟،؛…]+"
_SEPARATORS = r"[^\p{L}\p{N}\p{M}\p{So}|]+"  # symbols (emoji) are words
# Combining marks (accents) are dropped, except the Japanese voicing marks that tell apart kana.
_ACCENTS = r"[^\P{Mn}\x{3099}\x{309A}]"
_GAP = r"(?: [^ |]+ ){0,3}"
_TIGHT_GAP = r"[^ |]{0,4}"
_STEM_SUFFIX = r"[^ ]*"  # a bounded {0,6} makes RE2 twenty times slower
_CHUNK = 65_536
_ENDS_CAPITALISED = r"\p{Lu}[\p{L}\p{M}]*[^\p{L}\p{N}]*$"  # the last word starts with a capital: a name?


@dataclass(frozen=True)
class Classification:
    kind: str
    rule: str | None


def fold(bodies: pa.Array) -> pa.Array:
    """Replies as space-delimited folded tokens: ' stop  please  |  thanks ' (each token ' t ')."""
    text = pc.utf8_lower(pc.fill_null(bodies.cast(pa.string()), ""))
    plain = pc.string_is_ascii(text)
    if not pc.all(plain).as_py():
        fancy = pc.filter(text, pc.invert(plain))
        fancy = pc.replace_substring_regex(pc.utf8_normalize(fancy, form="NFKD"), _ACCENTS, "")
        fancy = pc.replace_substring_regex(pc.replace_substring(fancy, "ı", "i"), r"(\p{So})", r" \1 ")
        text = pc.replace_with_mask(text, pc.invert(plain), fancy)
    text = pc.replace_substring_regex(text, "['’`]", "")
    text = pc.replace_substring_regex(text, _SENTENCE_BREAKS, " | ")
    text = pc.utf8_trim(pc.replace_substring_regex(text, _SEPARATORS, "  "), " |")
    return pc.binary_join_element_wise(" ", text, " ", "")


def compact(folded: pa.Array) -> pa.Array:
    """Folded replies without spaces or sentence breaks: ' opt  out  | ' -> 'optout'."""
    return pc.replace_substring(pc.replace_substring(folded, " ", ""), "|", "")


def _joined(folded: str) -> str:
    """compact() of one folded text."""
    return folded.replace(" ", "").replace("|", "")


@dataclass(frozen=True)
class Keyword:
    kind: str
    language: str
    word: str  # as the policy writes it

    @property
    def rule(self) -> str:
        return f"{self.language}:{self.word}"


def classifier(policy: Policy) -> Classifier:
    """The policy's classifier, compiled once per process (compiling takes about a second)."""
    return _compiled_for(policy.model_dump_json())


@cache
def _compiled_for(policy_json: str) -> Classifier:
    return Classifier(Policy.model_validate_json(policy_json))


class Classifier:
    """Compiled from a policy once; `table(bodies)` classifies a column of replies."""

    def __init__(self, policy: Policy):
        self.languages = policy.replies
        self.folded = _fold_words(policy)
        declared = [Keyword(kind, language, word)
                    for language, words in self.languages.items() for kind in KINDS for word in getattr(words, kind)]
        self.keywords: dict[str, Keyword] = {}  # compact folded form -> first keyword declaring it
        for keyword in declared:
            self.keywords.setdefault(_joined(self.folded[keyword.word]), keyword)
        keyword_token = _alternatives([self._keyword_unit(keyword) for keyword in declared if keyword.kind == OPT_OUT])
        self.only_keywords = f"^(?: \\| )*(?:{keyword_token})(?:{keyword_token}| \\| )*$"
        self.keyword_sentence = f"(?:^| \\| )(?:{keyword_token})+(?: \\| |$)"
        self.first_keyword = f"(?:^| \\| )(?P<k>{keyword_token})"
        self.keyword_and_word = f"^(?: \\| )*(?P<k>{keyword_token})(?P<w> [^ |~]+ )(?: \\| )*$"
        self.mention = f"(?P<k>{keyword_token})"
        self.filler = Patterns(
            [" \\p{N}+ ", " \\p{So} "] + [" " + _token_pattern(self.folded[name].split()) + " " for name in policy.sender_names]
            + [self._word_pattern(language, word, stem=False)
               for language, words in self.languages.items() for word in words.filler])
        self.ignore = Patterns([self._template(language, pattern)
                                for language, words in self.languages.items() for pattern in words.ignore])
        self.requests = [(f"{language}:{pattern}", self._template(language, pattern))
                         for language, words in self.languages.items() for pattern in words.requests]
        negations = _alternatives([self._word_pattern(language, word, stem=False)
                                   for language, words in self.languages.items() for word in words.negations])
        self.negated = Patterns([regex for rule, regex in self.requests if "{neg}" not in rule and negations],
                                after=f"(?:{negations}){_GAP}")
        self.any_request = Patterns([regex for _, regex in self.requests])
        self.lexicon = {token for language, words in self.languages.items()
                        for group in (words.filler, words.negations, *words.slots.values())
                        for word in group for token in self.folded[word].split()}

    def classify(self, bodies: list[str | None]) -> list[Classification]:
        result = self.table(pa.array(bodies, pa.string()))
        return [Classification(kind, rule) for kind, rule in zip(result["kind"].to_pylist(), result["rule"].to_pylist())]

    def table(self, bodies: pa.Array) -> pa.Table:
        """(kind, rule) per body, in order; chunks run on every core (the kernels release the GIL)."""
        with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
            parts = list(pool.map(self._classify_chunk, _chunks(bodies)))
        return pa.Table.from_batches(parts, schema=_Decisions.SCHEMA).combine_chunks()

    def _classify_chunk(self, bodies: pa.Array) -> pa.RecordBatch:
        folded = fold(bodies)
        decided = _Decisions(len(folded))
        decided.by_lookup(compact(folded), self.keywords, "keyword")
        bare = self.filler.replace(folded, "")
        decided.by_lookup(compact(bare), self.keywords, "keyword+filler")
        decided.by_keyword(bare, self.only_keywords, self.first_keyword, self.keywords, "keyword+filler")
        rest = decided.open_rows()  # the costlier rules run on the replies still open only
        if len(rest):
            decided.adopt(rest, self._classify_rest(bodies.take(rest), folded.take(rest), bare.take(rest)))
        return decided.batch()

    def _classify_rest(self, bodies: pa.Array, folded: pa.Array, bare: pa.Array) -> _Decisions:
        decided = _Decisions(len(folded))
        capitalised = pc.match_substring_regex(pc.fill_null(bodies, ""), _ENDS_CAPITALISED).to_numpy(zero_copy_only=False)
        ignored = self.ignore.search(folded)
        cleaned = self.ignore.replace(folded, " ~ ", ignored)
        bare_cleaned = _where(ignored >= 0, lambda rows: self.filler.replace(cleaned.take(rows), ""), bare)
        decided.by_keyword(bare_cleaned, self.keyword_sentence, self.first_keyword, self.keywords, "keyword+reason")
        decided.by_name(capitalised, bare_cleaned, self)
        negated = self.negated.search(cleaned)
        affirmed = self.negated.replace(cleaned, " ~ ", negated)
        decided.by_request(affirmed, self.any_request, self.any_request.search(affirmed), self.requests, OPT_OUT, "request")
        decided.by_fuzzy(bare, self)
        decided.by_request(cleaned, self.negated, negated, self.requests, UNCLEAR, "negated")
        decided.by_keyword(cleaned, self.mention, self.mention, self.keywords, "mentions", UNCLEAR)
        return decided

    def _spaced(self, language: str) -> bool:
        return self.languages[language].spaced

    def _keyword_unit(self, keyword: Keyword) -> str:
        """The keyword as a run of whole tokens, or for unspaced scripts anywhere in a token."""
        if self._spaced(keyword.language):
            return " " + _token_pattern(self.folded[keyword.word].split()) + " "
        return f"(?: ?{re.escape(_joined(self.folded[keyword.word]))} ?)"

    def _word_pattern(self, language: str, word: str, stem: bool) -> str:
        tokens = self.folded[word].split()
        if not self._spaced(language):
            return re.escape(_joined(self.folded[word]))
        if stem and len(tokens) == 1 and self._stemmer(language):
            stemmed = self._stemmer(language).stemWord(tokens[0])
            if len(stemmed) >= 3 and len(tokens[0]) >= 4:
                return f" {re.escape(stemmed)}{_STEM_SUFFIX} "
        return " " + _token_pattern(tokens) + " "

    def _template(self, language: str, pattern: str) -> str:
        words = self.languages[language]
        gap = _GAP if words.spaced else _TIGHT_GAP
        parts = []
        for item in pattern.split():
            if item == "...":
                parts.append(gap)
            elif item == "*":
                parts.append(".*")
            elif item == "{neg}":
                parts.append(_alternatives([self._word_pattern(language, word, stem=False) for word in words.negations]))
            elif item.startswith("{"):
                parts.append(_alternatives([self._word_pattern(language, word, stem=True)
                                            for word in words.slots[item[1:-1]]]))
            else:
                parts.append(self._word_pattern(language, item, stem=False))
        return "(?:" + "".join(parts) + ")"

    def _stemmer(self, language: str):
        name = self.languages[language].stemmer
        return _stemmers(name) if name else None

    @cached_property
    def fuzzy_keys(self) -> list[str]:
        return [key for key in self.keywords if len(key) >= 4 and self._spaced(self.keywords[key].language)]

    def typos(self, words: set[str]) -> dict[str, Keyword]:
        """The keyword each word is a plausible typo of (see _plausible_typo), for words that are one."""
        keys = self.fuzzy_keys
        squeezed_keys = {_squeezed(key): key for key in reversed(keys)}
        found = {word: squeezed_keys[_squeezed(word)] for word in words if _squeezed(word) in squeezed_keys}
        rest = sorted(word for word in words - found.keys() if len(word) >= 4 and word not in self.lexicon)
        if rest:
            distances = process.cdist(rest, keys, scorer=OSA.distance, score_cutoff=1, dtype=np.uint8, workers=1)
            for index in np.flatnonzero(distances.min(axis=1) <= 1):
                key = keys[int(distances[index].argmin())]
                if _plausible_typo(rest[index], key):
                    found[rest[index]] = key
        return {word: self.keywords[key] for word, key in found.items()}


class Patterns:
    """Alternative patterns run as a few RE2 expressions of bounded size: one expression holding a
    whole lexicon outgrows RE2's automaton memory and runs ten times slower."""

    GROUP_CHARS = 10_000  # measured: 4,000 and 20,000 are both several times slower

    def __init__(self, alternatives: list[str], after: str = ""):
        groups: list[list[str]] = []
        for alternative in sorted(set(alternatives), key=lambda a: (-len(a), a)):
            if not groups or sum(map(len, groups[-1])) + len(alternative) > self.GROUP_CHARS:
                groups.append([])
            groups[-1].append(alternative)
        self.after = after
        self.regexes = [after + _alternatives(group) for group in groups]  # each: `after` then one of the group

    def __bool__(self) -> bool:
        return bool(self.regexes)

    def search(self, text: pa.Array) -> np.ndarray:
        """Per row, the index of the first expression that matches it, or -1."""
        group = np.full(len(text), -1)
        candidates = np.ones(len(text), dtype=bool)
        if self.after and self.regexes:  # rows without the common start cannot match: one cheap pass
            candidates = pc.match_substring_regex(text, self.after).to_numpy(zero_copy_only=False)
        for index, regex in enumerate(self.regexes):
            open_rows = np.flatnonzero((group < 0) & candidates)
            if not len(open_rows):
                break
            hit = pc.match_substring_regex(text.take(pa.array(open_rows)), regex).to_numpy(zero_copy_only=False)
            group[open_rows[hit]] = index
        return group

    def replace(self, text: pa.Array, replacement: str, groups: np.ndarray | None = None) -> pa.Array:
        """Every match replaced; only the rows that match are rewritten (most do not)."""
        hit = (self.search(text) if groups is None else groups) >= 0
        if not hit.any():
            return text
        rewritten = pc.filter(text, pa.array(hit))
        for regex in self.regexes:
            rewritten = pc.replace_substring_regex(rewritten, regex, replacement)
        return pc.replace_with_mask(text, pa.array(hit), rewritten)

    def first_match(self, text: pa.Array, groups: np.ndarray) -> list[str]:
        """The text each row matched, by its expression (`groups`, from search); distinct texts once."""
        found: list[str] = [""] * len(text)
        for index, regex in enumerate(self.regexes):
            rows = np.flatnonzero(groups == index)
            if not len(rows):
                continue
            for row, match in zip(rows, _extract(text.take(pa.array(rows)), f"(?P<m>{regex})")[0]):
                found[row] = match
        return found


class _Decisions:
    """Kind and rule per reply, filled in rule order: a reply keeps the first rule that holds."""

    def __init__(self, size: int):
        self.kind = np.full(size, OTHER, dtype=object)
        self.rule = np.full(size, None, dtype=object)
        self.open = np.ones(size, dtype=bool)

    def open_rows(self) -> np.ndarray:
        return np.flatnonzero(self.open)

    def adopt(self, rows: np.ndarray, decided: _Decisions) -> None:
        """Take the decisions made on a subset of the replies (`rows`, in its order)."""
        self.kind[rows], self.rule[rows], self.open[rows] = decided.kind, decided.rule, decided.open

    def _decide(self, rows: np.ndarray, kinds, rules) -> None:
        self.kind[rows] = kinds
        self.rule[rows] = rules
        self.open[rows] = False

    def by_lookup(self, keys: pa.Array, keywords: dict[str, Keyword], label: str) -> None:
        rows = self.open_rows()
        if not len(rows):
            return
        found = pc.index_in(keys.take(pa.array(rows)), pa.array(list(keywords)))
        hit = pc.is_valid(found).to_numpy(zero_copy_only=False)
        listed = list(keywords.values())
        chosen = [listed[index] for index in pc.drop_null(found).to_pylist()]
        self._decide(rows[hit], [k.kind for k in chosen], [f"{label}:{k.rule}" for k in chosen])

    def by_keyword(self, text: pa.Array, condition: str, first: str, keywords: dict[str, Keyword], label: str,
                   kind: str = OPT_OUT) -> None:
        """Rows the condition matches, named by the keyword the `first` expression finds."""
        rows = self.open_rows()
        if not len(rows):
            return
        subset = text.take(pa.array(rows))
        hit = pc.match_substring_regex(subset, condition).to_numpy(zero_copy_only=False)
        if not hit.any():
            return
        words = [_joined(key) for key in _extract(pc.filter(subset, pa.array(hit)), first)[0]]
        chosen = [keywords[_leading_key(word, keywords)] for word in words]
        self._decide(rows[hit], kind, [f"{label}:{k.rule}" for k in chosen])

    def by_name(self, capitalised: np.ndarray, bare: pa.Array, classifier: Classifier) -> None:
        """An opt-out keyword and a capitalised word the lexicon does not know: 'Stop Abjjad' (a program's name)."""
        rows = np.flatnonzero(self.open & capitalised)
        if not len(rows):
            return
        subset = bare.take(pa.array(rows))
        hit = pc.match_substring_regex(subset, classifier.keyword_and_word).to_numpy(zero_copy_only=False)
        if not hit.any():
            return
        keys, words = _extract(pc.filter(subset, pa.array(hit)), classifier.keyword_and_word)
        keys, words = [_joined(key) for key in keys], [word.strip() for word in words]
        named = [(row, classifier.keywords[_leading_key(key, classifier.keywords)])
                 for row, key, word in zip(rows[hit], keys, words) if word not in classifier.lexicon]
        if named:
            self._decide(np.array([row for row, _ in named]), OPT_OUT, [f"keyword+name:{k.rule}" for _, k in named])

    def by_request(self, text: pa.Array, patterns: Patterns, groups: np.ndarray, requests: list[tuple[str, str]],
                   kind: str, label: str) -> None:
        """Rows a request pattern matches (`groups`, from patterns.search of `text`), named by the request."""
        rows = np.flatnonzero(self.open & (groups >= 0))
        if not len(rows):
            return
        matches = patterns.first_match(text.take(pa.array(rows)), groups[rows])
        named = {phrase: _first_request(phrase, requests) for phrase in set(matches)}
        self._decide(rows, kind, [f"{label}:{named[phrase]}" for phrase in matches])

    def by_fuzzy(self, bare: pa.Array, classifier: Classifier) -> None:
        rows = self.open_rows()
        if not len(rows) or not classifier.fuzzy_keys:
            return
        subset = bare.take(pa.array(rows))
        single = pc.match_substring_regex(subset, r"^(?: \| )*( [^ |]{3,24} )(?: \| )*$").to_numpy(zero_copy_only=False)
        if not single.any():
            return
        words = pc.utf8_trim(pc.filter(subset, pa.array(single)), " |").to_pylist()
        typos = classifier.typos(set(words))
        found = [(row, typos[word]) for row, word in zip(rows[single], words) if word in typos]
        if found:
            self._decide(np.array([row for row, _ in found]), [k.kind for _, k in found],
                         [f"fuzzy:{k.rule}" for _, k in found])

    SCHEMA = pa.schema([("kind", pa.string()), ("rule", pa.string())])

    def batch(self) -> pa.RecordBatch:
        return pa.record_batch([pa.array(self.kind, pa.string()), pa.array(self.rule, pa.string())], schema=self.SCHEMA)


def _extract(texts: pa.Array, regex: str) -> list[list[str]]:
    """The named groups of the regex, per text (each distinct text extracted once: extraction is the
    slow path of RE2)."""
    distinct = pc.unique(texts)
    groups = pc.extract_regex(distinct, regex)
    positions = pc.index_in(texts, distinct).to_pylist()
    return [[values[position] for position in positions]
            for values in (pc.struct_field(groups, [index]).to_pylist() for index in range(groups.type.num_fields))]


def _fold_words(policy: Policy) -> dict[str, str]:
    """Every word the policy's replies and sender names use, folded as replies are (in one pass:
    folding one word at a time compiles the expressions thousands of times)."""
    words = set(policy.sender_names)
    for language in policy.replies.values():
        for group in (language.opt_out, language.opt_in, language.help, language.unclear, language.filler,
                      language.negations, *language.slots.values()):
            words.update(group)
        words.update(item for pattern in (*language.requests, *language.ignore) for item in pattern.split())
    listed = sorted(words)
    return dict(zip(listed, fold(pa.array(listed, pa.string())).to_pylist()))


def _chunks(values):
    """An array or table in slices of _CHUNK rows (at least one slice)."""
    return [values.slice(start, _CHUNK) for start in range(0, len(values), _CHUNK)] or [values]


def _where(mask: np.ndarray, compute, otherwise: pa.Array) -> pa.Array:
    """`otherwise`, with compute(rows) in the rows the mask holds (computed for those rows only)."""
    if not mask.any():
        return otherwise
    return pc.replace_with_mask(otherwise, pa.array(mask), compute(pa.array(np.flatnonzero(mask))))


def _plausible_typo(word: str, keyword: str) -> bool:
    """Two neighbouring letters swapped, a letter dropped or added inside the word, or one replaced
    by a key next to it; keywords of seven letters or more take any one edit. ('shop', 'quite' and
    'stops' are words, not typos of stop and quit.)"""
    if len(keyword) >= 7:
        return True
    operations = Levenshtein.editops(keyword, word)
    if len(operations) != 1:  # OSA distance 1 but Levenshtein 2: two neighbours swapped
        return True
    (operation,) = operations
    if operation.tag == "delete":
        return True
    if operation.tag == "insert":
        return operation.dest_pos < len(word) - 1
    return word[operation.dest_pos] in _KEYBOARD_NEIGHBOURS.get(keyword[operation.src_pos], "")


_KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")  # each row half a key right of the one above


def _keyboard_neighbours(row: int, column: int) -> str:
    places = [(row, column - 1), (row, column + 1), (row - 1, column), (row - 1, column + 1),
              (row + 1, column - 1), (row + 1, column)]
    return "".join(_KEYBOARD_ROWS[r][c] for r, c in places if 0 <= r < len(_KEYBOARD_ROWS) and 0 <= c < len(_KEYBOARD_ROWS[r]))


_KEYBOARD_NEIGHBOURS = {key: _keyboard_neighbours(row, column)
                        for row, keys in enumerate(_KEYBOARD_ROWS) for column, key in enumerate(keys)}


def _squeezed(word: str) -> str:
    """Runs of one letter as one: 'stoppppp' -> 'stop'."""
    return re.sub(r"(.)\1+", r"\1", word)


def _leading_key(matched: str, keywords: dict[str, Keyword]) -> str:
    """The keyword a matched run starts with ('stopstop' -> 'stop')."""
    return next(matched[:end] for end in range(len(matched), 0, -1) if matched[:end] in keywords)


def _first_request(phrase: str, requests: list[tuple[str, str]]) -> str:
    return next(rule for rule, regex in requests if _compiled(regex).search(phrase))


@cache
def _compiled(regex: str) -> re.Pattern:
    return re.compile(regex)


@cache
def _stemmers(name: str):
    return snowballstemmer.stemmer(name)


def _token_pattern(tokens: list[str]) -> str:
    return "  ".join(re.escape(token) for token in tokens)


def _alternatives(patterns: list[str]) -> str:
    unique = sorted(set(patterns), key=lambda p: (-len(p), p))
    return "(?:" + "|".join(unique) + ")" if unique else ""
