"""Token usage and its price: ``usage`` of a Messages API answer -> :class:`LlmUsage` in USD."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from anthropic.types import Usage

from schemas.tickets import LlmUsage

_PER_TOKEN = 1_000_000  # prices are quoted per million tokens


class UnknownModelPrice(KeyError):
    """No price is configured for a model: its cost cannot be counted against a budget."""


@dataclass(frozen=True)
class ModelPrice:
    """USD per million tokens."""

    input: float
    output: float
    cache_read: float
    cache_write: float

    def cost(self, usage: LlmUsage) -> float:
        return (
            usage.input_tokens * self.input
            + usage.output_tokens * self.output
            + usage.cache_read_tokens * self.cache_read
            + usage.cache_write_tokens * self.cache_write
        ) / _PER_TOKEN


@dataclass(frozen=True)
class PriceList:
    prices: Mapping[str, ModelPrice]

    @classmethod
    def from_config(cls, config: Mapping[str, Mapping[str, float]]) -> PriceList:
        return cls({model: ModelPrice(**price) for model, price in config.items()})

    def price(self, model: str) -> ModelPrice:
        try:
            return self.prices[model]
        except KeyError:
            raise UnknownModelPrice(model) from None

    def usage(self, model: str, usage: Usage) -> LlmUsage:
        """Tokens of one answer and what they cost; ``input_tokens`` excludes cached ones."""
        tokens = LlmUsage(
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cache_read_tokens=usage.cache_read_input_tokens or 0,
            cache_write_tokens=usage.cache_creation_input_tokens or 0,
        )
        return tokens.model_copy(update={"cost_usd": round(self.price(model).cost(tokens), 8)})


def total(usages: Iterable[LlmUsage]) -> LlmUsage | None:
    """The sum of several answers' usage (a repair turn costs too); None for none."""
    items = list(usages)
    if not items:
        return None
    return LlmUsage(
        input_tokens=sum(u.input_tokens for u in items),
        output_tokens=sum(u.output_tokens for u in items),
        cache_read_tokens=sum(u.cache_read_tokens for u in items),
        cache_write_tokens=sum(u.cache_write_tokens for u in items),
        cost_usd=round(sum(u.cost_usd for u in items), 8),
    )
