"""Classify a million generated distinct replies and print replies/s (target: under 5 s per million).

    .venv/bin/python benchmarks/optouts.py --replies 1000000

The replies are drawn from the labelled corpus (tests/data/replies.csv), each made distinct the way
people make them: a name, a number, an emoji or repeated punctuation added, case changed, a letter
doubled. Prints the time to classify, the rate, and the share of each kind.
Run on demand; never part of the test suite.
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from collections import Counter
from pathlib import Path

import pyarrow as pa

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "replies.csv"
NAMES = ["Acme", "Sam", "Maria", "Jo", "Ahmed", "Yuki", "Li", "Olga", "Pierre", "Ana", "Tom", "Priya"]
ENDINGS = ["", "!", "!!", "?", ".", "...", " 🙏", " 😡", " 👍", " pls", " thx", " lol"]


def replies(count: int, seed: int) -> list[str]:
    with CORPUS.open(encoding="utf-8", newline="") as file:
        bodies = [row["body"] for row in csv.DictReader(file)]
    rng = random.Random(seed)
    seen: set[str] = set()
    while len(seen) < count:
        body = rng.choice(bodies)
        variant = rng.random()
        if variant < 0.2:
            body = body.upper()
        elif variant < 0.4:
            body = body.lower()
        elif variant < 0.5 and len(body) > 2:
            at = rng.randrange(len(body))
            body = body[:at] + body[at] + body[at:]
        body = body + rng.choice(ENDINGS)
        if rng.random() < 0.5:
            body = f"{body} {rng.choice(NAMES)}" if rng.random() < 0.5 else f"{rng.choice(NAMES)}: {body}"
        if body in seen:
            body = f"{body} {rng.randrange(10_000)}"
        seen.add(body)
    return list(seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replies", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()

    from listwarden.keywords import Classifier
    from listwarden.policy import load_policy

    started = time.perf_counter()
    bodies = pa.array(replies(arguments.replies, arguments.seed), pa.string())
    print(f"generated {len(bodies):,} distinct replies in {time.perf_counter() - started:.1f} s")
    classifier = Classifier(load_policy(CORPUS.parent.parent.parent / "policies" / "default.yaml"))
    started = time.perf_counter()
    result = classifier.table(bodies)
    seconds = time.perf_counter() - started
    print(f"classified {len(bodies):,} replies in {seconds:.2f} s: {len(bodies) / seconds:,.0f} replies/s "
          f"({seconds * 1_000_000 / len(bodies):.2f} s per million)")
    kinds = Counter(result["kind"].to_pylist())
    print("  " + ", ".join(f"{kind} {count / len(bodies):.1%}" for kind, count in kinds.most_common()))


if __name__ == "__main__":
    main()
