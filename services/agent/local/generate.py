"""Compose the labelled dataset from the hand-written fragments in :mod:`corpus`.

Deterministic (fixed seed): ``python -m services.agent.local.generate`` rewrites
``services/agent/data/{train,test}.jsonl`` byte for byte. A message is framed
(greeting, context, closing), may carry details, pasted logs, a second issue and
an urgency bump, and is roughened the way players type (case, typos, slang,
dropped accents, emoji). The split is by core fragment: one in five issue
statements appears only in the test file, so the held-out score measures
phrasings the model never saw, not memorised ones.
"""

from __future__ import annotations

import random
import re
import string
import unicodedata
from collections.abc import Callable

from schemas.tickets import CATEGORIES, URGENCIES
from services.agent.local import corpus
from services.agent.local.dataset import DATA_DIR, TEST_FILE, TRAIN_FILE, Example, dumps

SEED = 20240611
LANGUAGES = ("en", "de", "fr", "es", "pt")
#: Examples per (language, category) before the category weight; English is the biggest market.
PER_LANGUAGE = {"en": 92, "de": 46, "fr": 46, "es": 46, "pt": 46}
#: Relative ticket volume per category, as support desks see it.
CATEGORY_WEIGHT = {
    "billing": 1.2,
    "account_access": 1.1,
    "bug_report": 1.3,
    "gameplay_question": 1.0,
    "abuse_report": 0.9,
    "feedback": 0.8,
    "other": 0.6,
}
#: Categories whose label a "this is urgent" line raises.
BUMPABLE = {"billing", "account_access", "bug_report", "gameplay_question", "abuse_report"}
TEST_EVERY = 5
EMOJI = {
    "negative": ("😡", "😤", ":(", "😭", "🙄", ">:("),
    "neutral": ("🙏", ":)", "lol", "🤔"),
}
_SLOT = re.compile(r"\{(\w+)\}")
_PLACEHOLDER = re.compile(r"\[[A-Z]+_\d+\]")


def _lines(block: str) -> list[str]:
    return [line.strip() for line in block.strip().splitlines() if line.strip()]


def _cores(language: str, category: str) -> list[tuple[str, str]]:
    levels = {"l": "low", "m": "medium", "h": "high", "c": "critical"}
    cores = []
    for line in _lines(corpus.CORE[language, category]):
        level, text = line.split("|", 1)
        cores.append((levels[level], text))
    return cores


class _Filler:
    """Fills ``{slot}`` markers with values players would write, in their language."""

    def __init__(self, rng: random.Random, language: str) -> None:
        self.rng = rng
        self.language = language

    def pick(self, table: dict[str, str]) -> str:
        return self.rng.choice(_lines(table[self.language]))

    def digits(self, count: int) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(count))

    def alnum(self, count: int) -> str:
        return "".join(
            self.rng.choice(string.ascii_uppercase + string.digits) for _ in range(count)
        )

    def order(self) -> str:
        kind = self.rng.randrange(4)
        if kind == 0:
            return f"GPA.{self.digits(4)}-{self.digits(4)}-{self.digits(4)}-{self.digits(5)}"
        if kind == 1:
            return f"ORD-{self.alnum(8)}"
        if kind == 2:
            return f"TXN-{self.alnum(10)}"
        return f"#{self.digits(1 + self.rng.randrange(9))}{self.digits(9)}"

    def code(self) -> str:
        kind = self.rng.randrange(6)
        if kind <= 1:
            return f"SF-{self.rng.randrange(1000, 9999)}"
        if kind == 2:
            return f"E-{self.rng.randrange(100, 999)}"
        if kind == 3:
            return f"CE-{self.digits(5)}-{self.rng.randrange(10)}"
        if kind == 4:
            return f"0x8007{self.rng.choice(['0005', '045D', '2AFC', '000E'])}"
        return self.rng.choice(["ERR_CONN_TIMEOUT", "ERR_AUTH_4012", "ERR_MATCH_REJECTED"])

    def log(self) -> str:
        lines = self.rng.sample(corpus.LOG_LINES, 1 + self.rng.randrange(3))
        body = "\n".join(self.fill(line) for line in lines)
        return f"\n```\n{body}\n```\n" if self.rng.random() < 0.6 else f'"{body}"'

    def value(self, slot: str) -> str:
        producers: dict[str, Callable[[], str]] = {
            "item": lambda: self.pick(corpus.ITEM),
            "amount": lambda: self.pick(corpus.AMOUNT),
            "amount2": lambda: self.pick(corpus.AMOUNT),
            "gems": lambda: self.pick(corpus.GEMS),
            "mode": lambda: self.pick(corpus.MODE),
            "when": lambda: self.pick(corpus.WHEN),
            "order": self.order,
            "code": self.code,
            "log": self.log,
            "platform": lambda: self.rng.choice(corpus.PLATFORMS),
            "player": lambda: self.rng.choice(corpus.PLAYER_NAMES),
            "num": lambda: str(self.rng.randrange(2, 60)),
            "email": lambda: "[EMAIL_1]",
            "phone": lambda: "[PHONE_1]",
        }
        return producers[slot]()

    def fill(self, text: str) -> str:
        return _SLOT.sub(lambda m: self.value(m.group(1)), text)


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(3)
    if op == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == 1:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def _lower(text: str) -> str:
    """Lower-case everything but PII placeholders, which the input guard writes in capitals."""
    pieces = _PLACEHOLDER.split(text)
    marks = _PLACEHOLDER.findall(text)
    return "".join(p.lower() + (marks[i] if i < len(marks) else "") for i, p in enumerate(pieces))


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def _roughen(text: str, language: str, urgency: str, rng: random.Random) -> str:
    """Type it the way players do; the label never depends on these changes."""
    words = text.split(" ")
    if rng.random() < 0.3:
        for _ in range(1 + rng.randrange(3)):
            i = rng.randrange(len(words))
            words[i] = _typo(words[i], rng)
    if language == "en" and rng.random() < 0.35:
        words = [corpus.EN_SLANG.get(w.lower(), w) if rng.random() < 0.7 else w for w in words]
    text = " ".join(words)
    if language != "en" and rng.random() < 0.15:
        text = _strip_accents(text)
    if rng.random() < 0.3:
        text = _lower(text)
    elif urgency in ("high", "critical") and rng.random() < 0.06:
        text = text.upper()
    if rng.random() < 0.12:
        tone = "negative" if urgency in ("high", "critical") else "neutral"
        text = f"{text} {rng.choice(EMOJI[tone])}"
    return text


def _sentence(text: str, rng: random.Random) -> str:
    text = text[0].upper() + text[1:] if rng.random() < 0.6 else text
    if text[-1] not in ".!?:)" and rng.random() < 0.6:
        text += rng.choice([".", ".", "!", "?" if "?" in text else "."])
    return text


def compose(
    rng: random.Random, language: str, category: str, urgency: str, core: str
) -> tuple[str, str]:
    """One message around ``core``; returns (text, urgency label)."""
    fill = _Filler(rng, language)
    parts: list[str] = []
    if rng.random() < 0.6:
        parts.append(fill.pick(corpus.GREETING))
    if rng.random() < 0.25 and category != "other":
        parts.append(fill.fill(fill.pick(corpus.CONTEXT)))
    if rng.random() < 0.12 and category != "other":
        parts.append(fill.pick(corpus.STORY))
    parts.append(_sentence(fill.fill(core), rng))
    details = _lines(corpus.DETAIL[language, category])
    count = min(len(details), rng.choice((0, 0, 1, 1, 2)))
    parts.extend(fill.fill(detail) for detail in rng.sample(details, count))
    if category == "bug_report" and rng.random() < 0.12:
        parts.append(fill.log())
    if urgency in ("high", "critical") and rng.random() < 0.2:
        parts.append(fill.pick(corpus.ANGRY))
    elif category in ("gameplay_question", "feedback", "other") and rng.random() < 0.1:
        parts.append(fill.pick(corpus.FRIENDLY))
    if category in BUMPABLE and rng.random() < 0.2:
        parts.append(fill.pick(corpus.BUMP))
        urgency = (
            URGENCIES[min(URGENCIES.index(urgency) + 1, URGENCIES.index("high"))]
            if (urgency != "critical")
            else urgency
        )
    if rng.random() < 0.12:
        other = rng.choice([c for c in CATEGORIES if c != category])
        parts.append(rng.choice(_lines(corpus.ASIDE[language, other])))
    closing = fill.pick(corpus.CLOSING)
    if rng.random() < 0.55 and closing.lower() not in " ".join(parts).lower():
        parts.append(closing)
    separator = "\n" if rng.random() < 0.3 else " "
    return _roughen(separator.join(parts), language, urgency, rng), urgency


def generate(seed: int = SEED) -> tuple[list[Example], list[Example]]:
    """(train, test) examples; texts are unique across both."""
    rng = random.Random(seed)
    seen: set[str] = set()
    train: list[Example] = []
    test: list[Example] = []
    for language in LANGUAGES:
        for category in CATEGORIES:
            cores = _cores(language, category)
            wanted = round(PER_LANGUAGE[language] * CATEGORY_WEIGHT[category])
            made = attempts = 0
            while made < wanted and attempts < wanted * 20:
                attempts += 1
                index = rng.randrange(len(cores))
                base, core = cores[index]
                text, urgency = compose(rng, language, category, base, core)
                if text in seen:
                    continue
                seen.add(text)
                made += 1
                split = test if index % TEST_EVERY == 2 else train
                split.append(Example("", text, category, urgency, language))
    rng.shuffle(train)
    rng.shuffle(test)
    return _numbered(train, "tr"), _numbered(test, "te")


def _numbered(examples: list[Example], prefix: str) -> list[Example]:
    return [
        Example(f"{prefix}-{i:05d}", e.text, e.category, e.urgency, e.language)
        for i, e in enumerate(examples, 1)
    ]


def main() -> None:
    train, test = generate()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    (DATA_DIR / TRAIN_FILE).write_text(dumps(train), encoding="utf-8")
    (DATA_DIR / TEST_FILE).write_text(dumps(test), encoding="utf-8")
    print(f"wrote {len(train)} train and {len(test)} test examples to {DATA_DIR}")


if __name__ == "__main__":
    main()
