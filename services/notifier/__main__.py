"""``python -m services.notifier``: run the notifier worker until SIGTERM."""

from libs.worker import run_worker
from services.notifier.app import app, settings

if __name__ == "__main__":
    run_worker(app, settings)
