"""Hashing of output files (framing.filehash)."""

import hashlib

import pytest

from framing.filehash import BLOCK, FileHashes, file_sha256


def test_file_hashes_match_hashlib_for_files_added_early_late_or_never(tmp_path):
    files = {"empty.csv": b"", "small.csv": "挖角,Meta\n".encode(),
             "blocks.csv": bytes(range(256)) * (BLOCK // 256 * 2 + 3)}  # over two blocks
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    want = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    with FileHashes(threads=2) as hashes:
        hashes.add([tmp_path / "blocks.csv", tmp_path / "small.csv"])
        hashes.add([tmp_path / "blocks.csv"])  # added twice: hashed once
        got = {name: hashes.sha256(tmp_path / name) for name in sorted(files)}
    assert got == want
    assert file_sha256(tmp_path / "blocks.csv") == want["blocks.csv"]


def test_file_hashes_raise_what_reading_raised(tmp_path):
    with FileHashes(threads=1) as hashes:
        hashes.add([tmp_path / "missing.csv"])
        with pytest.raises(FileNotFoundError, match="missing.csv"):
            hashes.sha256(tmp_path / "missing.csv")
