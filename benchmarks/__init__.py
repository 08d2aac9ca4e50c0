"""Benchmarks: figures printed by `make bench`, never asserted by tests."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
