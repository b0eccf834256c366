"""Claude triage: typed tool use, retries, circuit breaker, shared budgets, cost."""
