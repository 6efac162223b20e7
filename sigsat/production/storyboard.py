"""Storyboards: the last frame of every beat of a rendered scene, labelled, in one PNG grid."""

from __future__ import annotations

import math
from pathlib import Path

from .files import atomic_path
from .media import last_frame
from .sections import read_sections

__all__ = ["section_stills", "make_grid"]


def section_stills(folder: Path) -> list[tuple[str, object]]:
    """(beat name, last frame) for every beat clip of a scene's clip folder (``01_x/``)."""
    return [(e["name"], last_frame(Path(folder) / e["video"])) for e in read_sections(folder)]


def make_grid(stills: list[tuple[str, object]], out: Path, title: str = "", columns: int = 2,
              cell_width: int = 854) -> Path:
    """Tile labelled stills into one PNG at ``out``; returns ``out``."""
    from PIL import Image, ImageDraw, ImageFont

    if not stills:
        raise ValueError("no stills to tile")
    first = stills[0][1]
    cell_h = round(first.height * cell_width / first.width)
    label_h, top = 34, (44 if title else 0)
    rows = math.ceil(len(stills) / columns)
    sheet = Image.new("RGB", (columns * cell_width, top + rows * (cell_h + label_h)), "#2a2d33")
    draw = ImageDraw.Draw(sheet)
    try:  # the house font (fonts-dejavu-core): Pillow's own lacks umlauts and accents (Sättigung)
        font = ImageFont.truetype("DejaVuSans.ttf", 22)
    except OSError:
        font = ImageFont.load_default(size=22)
    if title:
        draw.text((10, 8), title, fill="white", font=font)
    for i, (name, image) in enumerate(stills):
        x = (i % columns) * cell_width
        y = top + (i // columns) * (cell_h + label_h)
        draw.text((x + 8, y + 5), f"{i + 1}. {name}", fill="white", font=font)
        sheet.paste(image.resize((cell_width, cell_h)), (x, y + label_h))
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out) as tmp:
        sheet.save(tmp, format="PNG")
    return out
