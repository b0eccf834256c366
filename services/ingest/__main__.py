"""``python -m services.ingest``: serve the ingest API with uvicorn."""

from __future__ import annotations

from libs.http import serve
from libs.logs import setup_logging
from services.ingest.app import create_app
from services.ingest.settings import IngestSettings


def main() -> None:
    settings = IngestSettings()
    setup_logging(settings.service_name, settings.log_level)
    serve(create_app(settings), settings.ingest_host, settings.ingest_port)


if __name__ == "__main__":
    main()
