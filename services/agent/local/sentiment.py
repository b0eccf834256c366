"""Sentiment by lexicon: frustration and praise words in every supported language.

The dataset has no sentiment labels, and tone words are few and stable, so a
lexicon is both honest and good enough; shouting (caps, "!!!") counts as negative.
"""

from __future__ import annotations

import re

from schemas.tickets import Sentiment

_NEGATIVE = re.compile(
    r"\b(?:ridiculous|unacceptable|worst|scam|trash|garbage|furious|angry|wtf|disappointed"
    r"|terrible|awful|useless|hate|done with|pay to win|boring|annoying|punishing"
    r"|frechheit|unverschämt|abzocke|enttäuscht|sauer|müll|schlecht|langweilig|nervig"
    r"|inadmissible|arnaque|honte|honteux|déçu|nul(?:le)?s?|scandaleux|pire|gâche"
    r"|vergüenza|harto|estafa|inaceptable|basura|decepcionado|aburrid[ao]s?|peor"
    r"|absurdo|golpe|lixo|decepcionad[ao]|ridículo|palhaçada|sem graça|pior)\b",
    re.IGNORECASE,
)
_POSITIVE = re.compile(
    r"\b(?:love|awesome|amazing|great|best|enjoying|big fan|nice|cool"
    r"|super|genial|toll|liebe|lob|spaß"
    r"|j'adore|adore|génial|géniale|géniaux|top|bravo|superbe"
    r"|me encanta|encanta|geniales?|increíble|felicidades"
    r"|amei|amo|incrível|demais|parabéns|muito bom)\b",
    re.IGNORECASE,
)
_SHOUTING = re.compile(r"!{2,}|[😡😤😭🙄]|>:\(")


def sentiment(text: str) -> Sentiment:
    negative = len(_NEGATIVE.findall(text)) + len(_SHOUTING.findall(text))
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 20 and sum(c.isupper() for c in letters) / len(letters) > 0.8:
        negative += 1
    positive = len(_POSITIVE.findall(text))
    if negative > positive:
        return "negative"
    if positive > negative:
        return "positive"
    return "neutral"
