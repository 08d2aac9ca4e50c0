"""Reading a user's file as text: UTF-8 (with or without BOM) or UTF-16 with a BOM, else a
clear error naming the file and the line of the first bad byte."""

from __future__ import annotations

from pathlib import Path

from harvester.errors import InputError


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None


def read_text(path: Path, raw: bytes | None = None) -> str:
    data = read_bytes(path) if raw is None else raw
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{path}: line {line}: not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
            "save the file as UTF-8 and try again"
        ) from None
    if not text.strip():
        raise InputError(f"{path}: empty file, no records")
    if "\x00" in text:
        raise InputError(f"{path}: binary data, not a text export")
    return text
