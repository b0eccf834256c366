"""Critical signals: phrases that make a ticket critical whatever the classifier says.

Account takeover, fraud, threats to a person's safety and outages that hit
everyone are rare in the data and costly to miss, so a hand-written list (every
supported language) lifts them to ``critical``; the rules only ever raise
urgency, never lower it.
"""

from __future__ import annotations

import re

from schemas.tickets import Urgency

_CUES: dict[str, tuple[str, ...]] = {
    "account_takeover": (
        r"\bhacked\b",
        r"\bhacker (?:took|stole|changed|got|has)\b",
        r"\bstole my account\b",
        r"\b(?:someone|somebody) (?:logged|got|is) (?:in)?to my account\b",
        r"\btook over my account\b",
        r"\bgehackt\b",
        r"\bhacker hat\b",
        r"\b(?:account|konto) (?:wurde )?(?:übernommen|geklaut|gestohlen)\b",
        r"\bin meinen (?:account|konto) eingeloggt\b",
        r"\bpirat[ée]e?\b",
        r"\bhacker a pris\b",
        r"\bconnect[ée] à mon compte\b",
        r"\bhackearon\b",
        r"\bcuenta hackeada\b",
        r"\bhacker se qued[óo]\b",
        r"\bentr[óo] en mi cuenta\b",
        r"\bhackeada\b",
        r"\bhackearam\b",
        r"\bhacker pegou\b",
        r"\bentrou na minha conta\b",
        r"\b(?:login alert|login-warnung|alerte de connexion|aviso de inicio de sesi[óo]n"
        r"|alerta de login)\b",
    ),
    "fraud": (
        r"\b(?:un|not )authori[sz]ed\b",
        r"\bdidn'?t authori[sz]e\b",
        r"\bfraud\w*",
        r"\bunautorisiert\w*",
        r"\bfrauduleu\w*",
        r"\bfraudulent\w*",
        r"\bno (?:los )?autoric[ée]\b",
        r"\b(?:wasn'?t|was not|not) me\b",
        r"\bdas war ich nicht\b",
        r"\bce n'est pas moi\b",
        r"\bno fui yo\b",
        r"\bn[ãa]o fui eu\b",
        r"\b(?:never made|nie gemacht|jamais faits?|que (?:yo )?no hice|que eu n[ãa]o fiz)\b",
        r"\b(?:using my card|nutzt meine karte|utilise ma carte|usando mi tarjeta"
        r"|usando meu cart[ãa]o)\b",
    ),
    "safety": (
        r"\b(?:real life|irl|in echt|im echten leben|vraie vie|en vrai|vida real|en persona"
        r"|pessoalmente)\b",
        r"\bprivate (?:photos|pictures|pics)\b",
        r"\b(?:home address|my address|meine adresse|mon adresse|mi direcci[óo]n"
        r"|meu endere[çc]o)\b",
        r"\b(?:kill (?:him|her|my)self|suicid\w*|selbstmord|umbringen|se suicider|matarse"
        r"|se matar)\b",
        r"\b(?:photos?|fotos?|pictures)\b.{0,60}\b(?:\d{1,2}[- ](?:year|jährig|ans|años|anos)"
        r"|kids?|child\w*|kinder\w*|enfants?|niños?|crian[çc]as?|filho|hijo|fils|sohn|son)\b",
        r"\b(?:\d{1,2}[- ](?:year|jährig|ans|años|anos)|kids?|child\w*|kinder\w*|enfants?"
        r"|niños?|crian[çc]as?|filho|hijo|fils|sohn|son)\b.{0,60}\b(?:photos?|fotos?|pictures)\b",
    ),
    "outage": (
        r"\bservers? (?:are |is )?down\b",
        r"\b(?:for|affects?) everyone\b",
        r"\b(?:everyone|everybody) (?:can|on the|is getting)\b",
        r"\b(?:nobody|no one) (?:can|in)\b",
        r"\boutage\b",
        r"\bf[üu]r alle\b",
        r"\bniemand (?:kann|aus|kommt)\b",
        r"\bst[öo]rung\b",
        r"\bpour tout le monde\b",
        r"\bpersonne (?:ne peut|de)\b",
        r"\ben panne\b",
        r"\bpara todos\b",
        r"\bnadie (?:puede|de)\b",
        r"\bca[íi]da general\b",
        r"\b(?:pra|para) todo mundo\b",
        r"\bningu[ée]m (?:consegue|do|da)\b",
        r"\bfora do ar\b",
        r"\bqueda geral\b",
    ),
}
_COMPILED = {
    signal: re.compile("|".join(patterns), re.IGNORECASE) for signal, patterns in _CUES.items()
}


def critical_signals(text: str) -> list[str]:
    """Which critical signals (account_takeover, fraud, safety, outage) the text carries."""
    return [signal for signal, regex in _COMPILED.items() if regex.search(text)]


def with_signals(predicted: Urgency, signals: list[str]) -> Urgency:
    return "critical" if signals else predicted
