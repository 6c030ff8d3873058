"""Shared fixtures of the Python tests: where the blockforge binary and the
source tree are (set by tests/python/CMakeLists.txt; a run by hand falls back
to ./build and this checkout)."""

import os
import pathlib

import pytest

SOURCE_DIR = pathlib.Path(
    os.environ.get("BLOCKFORGE_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))


@pytest.fixture(scope="session")
def source_dir():
    return SOURCE_DIR


@pytest.fixture(scope="session")
def blockforge_binary():
    path = pathlib.Path(os.environ.get("BLOCKFORGE_BINARY", SOURCE_DIR / "build" / "blockforge"))
    if not path.exists():
        pytest.fail(f"{path}: the blockforge binary is not built; run cmake --build build first")
    return path
