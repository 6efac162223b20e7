"""Writing files so that a reader sees the old file or the whole new one, never a part.

Every file sigsat writes in place (manifests, subtitles, the gallery page, decks, storyboards,
scripts, the lecture video) goes through :func:`atomic_path` or :func:`atomic_write`: the bytes
go to a hidden temporary name beside the target, which is renamed over it when complete. A
killed writer leaves only a temporary, which :func:`sweep_temporaries` recognises by its name.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Iterator

__all__ = ["temporary_name", "atomic_path", "atomic_write", "sweep_temporaries"]

#: ``.<name>.<pid>.tmp`` (``.<name>.<pid>.tmp.<ext>`` when a tool needs the extension).
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.(?P<pid>\d+)\.tmp(?:\.\w+)?")


def temporary_name(path: Path, keep_suffix: bool = False) -> Path:
    """The hidden name beside ``path`` this process writes it under.

    Examples
    --------
    >>> temporary_name(Path("out/manifest.json")).name.startswith(".manifest.json.")
    True
    >>> temporary_name(Path("deck.pptx"), keep_suffix=True).suffix
    '.pptx'
    """
    name = f".{path.name}.{os.getpid()}.tmp"
    return path.with_name(name + (path.suffix if keep_suffix else ""))


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, keep_suffix: bool = False) -> Iterator[Path]:
    """A temporary path to write ``path``'s new content to; it replaces ``path`` when the block
    ends without an exception, and is removed when it raises.

    ``keep_suffix`` keeps the extension, for tools that pick a format by it (video, decks). A
    symbolic link at ``path`` is followed: the file it points to is replaced, the link kept.
    """
    target = Path(os.path.realpath(path))
    temporary = temporary_name(target, keep_suffix)
    try:
        yield temporary
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def atomic_write(path: str | os.PathLike, data: str | bytes) -> None:
    """Replace ``path`` with ``data`` (text is written as UTF-8) in one step, flushed to disk.

    Raises
    ------
    OSError
        Writing failed (permissions, a full disk); the old file, if any, is untouched.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(path) as temporary:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # umask applies
        with open(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())


def sweep_temporaries(folder: Path) -> list[Path]:
    """Remove the temporaries a killed writer left in ``folder`` (only names :func:`temporary_name`
    makes, of other processes); return them. Call it holding the folder's lock."""
    removed = []
    for path in Path(folder).glob(".*.tmp*"):
        found = _TEMPORARY.fullmatch(path.name)
        if found and int(found["pid"]) != os.getpid() and path.is_file():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
