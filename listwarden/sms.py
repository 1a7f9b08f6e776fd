"""SMS segment counting: GSM-7 when every character is in the GSM 03.38 alphabet, else UCS-2.

The counting itself runs in SQL over every distinct body (sql/compliance/body_facts.sql); this
module holds the alphabet and the regular expressions it binds, and a Python twin for tests.
"""

from __future__ import annotations

import math

GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = "\f^{}\\[~]|€"  # each takes two septets (escape + character)
SINGLE = {"gsm7": 160, "ucs2": 70}
PART = {"gsm7": 153, "ucs2": 67}


def _character_class(characters: str, negate: bool = False) -> str:
    escaped = "".join("\\" + ch if ch in "\\]^[-" else ch for ch in characters)
    return f"[{'^' if negate else ''}{escaped}]"


def patterns() -> dict[str, str]:
    """The regular expressions body_facts.sql binds (RE2 syntax)."""
    return {
        "gsm_only": _character_class(GSM_BASIC + GSM_EXTENSION) + "*",
        "not_gsm_extension": _character_class(GSM_EXTENSION, negate=True),
    }


def segments(body: str) -> tuple[str, int]:
    """(encoding, number of SMS segments) of a body."""
    if all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in body):
        encoding, units = "gsm7", len(body) + sum(ch in GSM_EXTENSION for ch in body)
    else:
        encoding, units = "ucs2", len(body.encode("utf-16-le")) // 2
    return encoding, 1 if units <= SINGLE[encoding] else math.ceil(units / PART[encoding])
