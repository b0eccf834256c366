"""A disk cache for artifacts built from data (trained models), keyed by digest, written atomically.

A service that trains a small model at start-up names the artifact by a hash of
everything it is built from (data files, code versions), so a replica only
loads it, a change anywhere retrains, and files cached for older keys are
pruned. A torn, incompatible or unwritable cache file only costs a rebuild.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Generic, TypeVar

from libs.logs import log_fields

logger = logging.getLogger(__name__)

T = TypeVar("T")


def digest(paths: Iterable[Path], *parts: str) -> str:
    """SHA-256 over the files' contents and the extra ``parts`` (versions, settings)."""
    sha = hashlib.sha256()
    for path in paths:
        sha.update(path.read_bytes())
        sha.update(b"\0")
    for part in parts:
        sha.update(part.encode())
        sha.update(b"\0")
    return sha.hexdigest()


class ArtifactCache(Generic[T]):
    """Artifacts ``<prefix>-<key[:16]><suffix>`` in ``directory``, memoised per process.

    ``dump`` serialises an artifact to bytes and ``load`` parses them back; ``load``
    raising ``ValueError`` (or a subclass) marks the file unreadable, so it is rebuilt.
    """

    def __init__(
        self,
        directory: Path,
        prefix: str,
        suffix: str,
        dump: Callable[[T], bytes],
        load: Callable[[bytes], T],
    ) -> None:
        self.directory = directory
        self.prefix = prefix
        self.suffix = suffix
        self._dump = dump
        self._load = load
        self._memo: dict[Path, T] = {}
        self._lock = threading.Lock()

    def path(self, key: str) -> Path:
        return self.directory / f"{self.prefix}-{key[:16]}{self.suffix}"

    def get(self, key: str, build: Callable[[], T]) -> T:
        """The artifact for ``key``: from memory, from disk, or built and stored."""
        path = self.path(key)
        with self._lock:
            if path in self._memo:
                return self._memo[path]
            artifact = self._read(path)
            if artifact is None:
                artifact = build()
                self._store(path, artifact)
            self._memo[path] = artifact
            return artifact

    def _read(self, path: Path) -> T | None:
        try:
            return self._load(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            logger.exception(
                "artifact cache unreadable", extra=log_fields("artifact_cache_bad", path=str(path))
            )
            return None

    def _store(self, path: Path, artifact: T) -> None:
        tmp: Path | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Atomic: concurrent replicas never read a half-written file.
            with tempfile.NamedTemporaryFile(
                dir=path.parent, prefix=".", suffix=".tmp", delete=False
            ) as handle:
                tmp = Path(handle.name)
                handle.write(self._dump(artifact))
            os.replace(tmp, path)
            tmp = None
        except OSError:
            # A read-only or full disk only costs a rebuild at the next start.
            logger.exception(
                "artifact cache not written",
                extra=log_fields("artifact_cache_write", path=str(path)),
            )
            return
        finally:
            if tmp is not None:  # not renamed: failed, or interrupted (SIGTERM at start-up)
                tmp.unlink(missing_ok=True)
        for stale in path.parent.glob(f"{self.prefix}-*{self.suffix}"):
            if stale != path:
                stale.unlink(missing_ok=True)
