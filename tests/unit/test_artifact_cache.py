"""libs.artifact_cache: build once per key, reuse from disk, rebuild torn files, prune stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from libs.artifact_cache import ArtifactCache, digest


def parse(data: bytes) -> str:
    text = data.decode()
    if not text.startswith("ok:"):
        raise ValueError("torn")
    return text[3:]


def cache(directory: Path) -> ArtifactCache[str]:
    return ArtifactCache(directory, "thing", ".txt", lambda value: f"ok:{value}".encode(), parse)


def test_builds_once_then_reads_from_disk(tmp_path: Path) -> None:
    builds: list[str] = []

    def build() -> str:
        builds.append("x")
        return "model-a"

    assert cache(tmp_path).get("key-a", build) == "model-a"
    # A new process (new cache object) reads the file instead of building.
    assert cache(tmp_path).get("key-a", build) == "model-a"
    assert builds == ["x"]


def test_memoises_in_process(tmp_path: Path) -> None:
    one = cache(tmp_path)
    assert one.get("key-a", lambda: "first") == "first"
    one.path("key-a").unlink()
    assert one.get("key-a", lambda: "second") == "first"


def test_torn_file_is_rebuilt(tmp_path: Path) -> None:
    cache(tmp_path).path("key-a").write_bytes(b"garbage")
    assert cache(tmp_path).get("key-a", lambda: "fresh") == "fresh"
    assert cache(tmp_path).path("key-a").read_bytes() == b"ok:fresh"


def test_new_key_prunes_old_artifacts(tmp_path: Path) -> None:
    cache(tmp_path).get("key-a", lambda: "a")
    (tmp_path / "unrelated.txt").write_text("keep")
    cache(tmp_path).get("key-b", lambda: "b")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        cache(tmp_path).path("key-b").name,
        "unrelated.txt",
    ]


def test_unwritable_directory_still_returns_the_artifact(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert cache(blocker / "sub").get("key-a", lambda: "built") == "built"


def test_digest_depends_on_contents_and_parts(tmp_path: Path) -> None:
    data = tmp_path / "data.jsonl"
    data.write_text("one")
    first = digest([data], "v1")
    assert digest([data], "v1") == first
    assert digest([data], "v2") != first
    data.write_text("two")
    assert digest([data], "v1") != first


def test_an_interrupted_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    def dump_then_stop(_value: str) -> bytes:
        raise SystemExit(0)  # SIGTERM during start-up, while the artifact is written

    cache: ArtifactCache[str] = ArtifactCache(tmp_path, "m", ".txt", dump_then_stop, bytes.decode)
    with pytest.raises(SystemExit):
        cache.get("k" * 16, lambda: "built")
    assert list(tmp_path.iterdir()) == []
