"""The guard engine: rules + scoring + PII redaction, as one pure ``check(text)``.

Scoring is additive so that no single weak keyword decides: every rule that
fires adds its weight once (however often it matched), amplifier rules
(evasion tricks, encodings) add theirs only when some other rule fired, and
the total is compared with the flag and block thresholds. The optional classifier
(``classifier.ClassifierPolicy``) then adds to that score, decides alone when
confident, or clears weak findings it judges benign (players quoting an attack).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, islice

from pydantic import BaseModel, ConfigDict, Field

from schemas import GuardFinding, GuardVerdict, PiiRedaction
from schemas.tickets import Severity
from services.guard import classifier as clf
from services.guard.ciphers import prose_ciphers, spelled_codes
from services.guard.encoded import MAX_PAYLOADS, Payload, encoded_payloads
from services.guard.normalize import Normalized, normalize
from services.guard.pii import redact
from services.guard.rules import DEFAULT_RULES_PATH, MatcherIndex, Rule, RuleSet, load_rules
from services.guard.segment import Segmenter, common_words, pattern_keywords
from services.guard.settings import GuardSettings

#: Matches kept per pattern and findings reported per rule: enough to show where,
#: bounded for adversarial input ("a\u200b" x 4000).
_MATCHES_PER_PATTERN = 5
_FINDINGS_PER_RULE = 5
#: How far a cut may move back to end on whitespace instead of mid-word.
_CUT_SLACK = 64


class GuardResult(BaseModel):
    """The verdict on one text; spans in ``findings`` refer to the original text.

    ``pii_values`` (placeholder -> original value) is for the PII vault only: it is
    excluded from serialisation and repr, so the CLI and logs never show it.
    """

    model_config = ConfigDict(frozen=True)

    verdict: GuardVerdict
    score: float
    findings: list[GuardFinding]
    redacted_text: str
    pii: list[PiiRedaction]
    pii_values: dict[str, str] = Field(default_factory=dict, exclude=True, repr=False)


@dataclass(frozen=True)
class _Hit:
    rule: Rule
    start: int
    end: int


class GuardEngine:
    """Screens texts with a validated rule set; results depend on the text alone (the
    matcher index only remembers which needles words hold), so safe to share."""

    def __init__(
        self,
        rules: RuleSet,
        *,
        max_chars: int = 8000,
        flag_threshold: float = 0.5,
        block_threshold: float = 1.0,
        max_decode_depth: int = 2,
        classifier: clf.InjectionClassifier | None = None,
        classifier_policy: clf.ClassifierPolicy | None = None,
    ) -> None:
        self.rules = rules
        self.max_chars = max_chars
        self.flag_threshold = flag_threshold
        self.block_threshold = block_threshold
        self.max_decode_depth = max_decode_depth
        #: Optional second opinion on the top-level shadow text (``classifier.py``).
        self.classifier = classifier
        self.classifier_policy = classifier_policy or clf.ClassifierPolicy()
        self._index = MatcherIndex(
            [(rule, matcher) for rule in rules.pattern_rules for matcher in rule.matchers]
        )
        self._detectors = rules.detectors
        # Spaced-out sentences are re-split into the words the rules look for.
        self._segmenter = Segmenter(
            common_words()
            | pattern_keywords(p for rule in rules.pattern_rules for p in rule.patterns)
        )

    @classmethod
    def from_settings(cls, settings: GuardSettings) -> GuardEngine:
        """The engine the service runs; raises ``RulesError`` for a bad rules file.

        With ``guard_classifier`` on, the classifier is loaded from its cache or
        trained on this engine's shadow text (its features depend on the rules'
        keywords through the segmenter), hence attached after construction.
        """
        rules_path = settings.guard_rules_path or DEFAULT_RULES_PATH
        engine = cls(
            load_rules(rules_path),
            max_chars=settings.guard_max_chars,
            flag_threshold=settings.guard_flag_threshold,
            block_threshold=settings.guard_block_threshold,
            classifier_policy=clf.ClassifierPolicy(
                settings.guard_classifier_assist_p,
                settings.guard_classifier_flag_p,
                settings.guard_classifier_block_p,
                alone=settings.guard_classifier_alone,
                clear_p=settings.guard_classifier_clear_p,
                clear_below=settings.guard_classifier_clear_below,
            ),
        )
        if settings.guard_classifier:
            engine.classifier = clf.load_or_train(
                settings.guard_classifier_dir or clf.PACKAGE_MODEL_DIR, rules_path, engine.shadow
            )
        return engine

    def shadow(self, text: str) -> str:
        """The normalised text the rules (and the classifier) read."""
        return normalize(text, self._segmenter).text

    def check(self, text: str) -> GuardResult:
        body, hits = self._truncate(text)
        shadow = normalize(body, self._segmenter)
        payloads = self._payloads(body) if self.max_decode_depth > 0 else []
        hits.extend(self._scan(body, depth=0, shadow=shadow, payloads=payloads))
        findings, score = self._score(hits)
        if self.classifier is not None:
            # An instruction may sit inside an encoded blob: the classifier reads those too.
            decoded = self._decoded(payloads, depth=1)
            texts = [shadow.text, *(self.shadow(text) for text in decoded)]
            findings, score = self._classify(self.classifier, texts, len(body), findings, score)
        redacted = redact(body)
        return GuardResult(
            verdict=self._verdict(score),
            score=score,
            findings=findings,
            redacted_text=redacted.text,
            pii=redacted.items,
            pii_values=redacted.mapping,
        )

    def _payloads(self, text: str) -> list[Payload]:
        """Encoded blobs, spelled-out codes and prose ciphers in ``text`` (bounded)."""
        found = chain(
            encoded_payloads(text), spelled_codes(text), prose_ciphers(text, self._segmenter.words)
        )
        return list(islice(found, MAX_PAYLOADS))

    def _decoded(self, payloads: list[Payload], depth: int) -> Iterator[str]:
        """The decoded texts of ``payloads`` and of the payloads nested in them."""
        for payload in payloads:
            yield payload.decoded
            if depth < self.max_decode_depth:
                yield from self._decoded(self._payloads(payload.decoded), depth + 1)

    def _verdict(self, score: float) -> GuardVerdict:
        if score >= self.block_threshold:
            return "block"
        if score >= self.flag_threshold:
            return "flag"
        return "pass"

    def _truncate(self, text: str) -> tuple[str, list[_Hit]]:
        if len(text) <= self.max_chars:
            return text, []
        cut = self.max_chars
        for index in range(cut, max(cut - _CUT_SLACK, 0), -1):
            if text[index].isspace():
                cut = index
                break
        rule = self._detectors.get("truncated")
        return text[:cut], [_Hit(rule, cut, len(text))] if rule else []

    def _scan(
        self,
        text: str,
        depth: int,
        shadow: Normalized | None = None,
        payloads: list[Payload] | None = None,
    ) -> list[_Hit]:
        """Every rule hit in ``text`` (``shadow``, ``payloads``: its normalised text and
        encoded payloads, if already found), including inside decodable payloads."""
        shadow = shadow or normalize(text, self._segmenter)
        hits: list[_Hit] = []
        for rule, matcher in self._index.candidates(shadow.text):
            for start, end in matcher.spans(shadow.text, _MATCHES_PER_PATTERN):
                hits.append(_Hit(rule, *shadow.span(start, end)))
        for trick in shadow.tricks:
            if trick_rule := self._detectors.get(trick.kind):
                hits.append(_Hit(trick_rule, trick.start, trick.end))
        if depth < self.max_decode_depth:
            for payload in self._payloads(text) if payloads is None else payloads:
                encoding_rule = self._detectors.get(payload.encoding)
                if encoding_rule is None:
                    continue
                inner = self._scan(payload.decoded, depth + 1)
                if any(not hit.rule.amplifier for hit in inner):
                    # Inner spans refer to the decoded text: point at the blob instead.
                    for rule in (encoding_rule, *(hit.rule for hit in inner)):
                        hits.append(_Hit(rule, payload.start, payload.end))
        return hits

    def _classify(
        self,
        classifier: clf.InjectionClassifier,
        shadows: list[str],
        length: int,
        findings: list[GuardFinding],
        score: float,
    ) -> tuple[list[GuardFinding], float]:
        """Adds the classifier's weight (``ClassifierPolicy``) for the most suspicious of
        ``shadows`` (the text and its decoded payloads) and a whole-text finding, or
        clears weak rule findings that it judges benign (the findings stay, as evidence)."""
        p = max(classifier.probability(shadow) for shadow in shadows)
        if self.classifier_policy.clears(p, score, self.flag_threshold):
            cleared = GuardFinding(
                rule_id=clf.CLEARED_ID, kind=clf.FINDING_KIND, severity="low", start=0, end=length
            )
            return [*findings, cleared], round(self.flag_threshold - 0.01, 4)
        weight = self.classifier_policy.weight(p, self.flag_threshold, self.block_threshold)
        if weight <= 0.0:
            return findings, score
        severity: Severity = (
            "high"
            if weight >= self.block_threshold
            else "medium"
            if weight >= self.flag_threshold
            else "low"
        )
        finding = GuardFinding(
            rule_id=clf.FINDING_ID, kind=clf.FINDING_KIND, severity=severity, start=0, end=length
        )
        return [*findings, finding], round(score + weight, 4)

    @staticmethod
    def _score(hits: list[_Hit]) -> tuple[list[GuardFinding], float]:
        if all(hit.rule.amplifier for hit in hits):
            return [], 0.0
        fired = {hit.rule.id: hit.rule for hit in hits}
        score = round(sum(rule.weight for rule in fired.values()), 4)
        per_rule: dict[str, int] = {}
        findings: list[GuardFinding] = []
        for start, end, rule_id in sorted({(hit.start, hit.end, hit.rule.id) for hit in hits}):
            per_rule[rule_id] = per_rule.get(rule_id, 0) + 1
            if per_rule[rule_id] > _FINDINGS_PER_RULE:
                continue
            rule = fired[rule_id]
            findings.append(
                GuardFinding(
                    rule_id=rule_id, kind=rule.kind, severity=rule.severity, start=start, end=end
                )
            )
        return findings, score
