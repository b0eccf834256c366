"""The offline triage model: a labelled dataset, a scikit-learn classifier trained on it,
extraction rules, reply templates and action rules. Deterministic for a given dataset.
"""
