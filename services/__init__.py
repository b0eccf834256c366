"""The pipeline services; each sub-package runs as ``python -m services.<name>``."""
