"""Colours named by meaning, in a dark and a light variant (Okabe-Ito hues, colour-blind safe).

Pure data: scenes turn these hex strings into manim colours when they run, so a theme is chosen by
the parameter file at render time, never bound at import.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Palette", "PALETTES", "palette", "contrast_ratio", "TEXT_ROLES"]


@dataclass(frozen=True)
class Palette:
    BACKGROUND: str
    TEXT: str          # titles, captions, readouts
    MUTED: str         # axes, ticks, secondary labels
    ACTIVATION: str    # the sigmoid curve and its outputs
    GRADIENT: str      # slopes, derivatives, backpropagated gradients
    SATURATED: str     # the flat tails where the slope vanishes
    INPUT: str         # z, the probe, inputs
    RELU: str          # the ReLU curve
    DEAD: str          # ReLU's flat region, dead units
    HIGHLIGHT: str     # the peak, the answer
    CAPTION_BG: str    # plate behind on-screen captions

    def tex_colors(self) -> dict[str, str]:
        """Map of TeX symbols to colours, for ``MathTex(..., tex_to_color_map=...)``."""
        return {r"\sigma": self.ACTIVATION, "z": self.INPUT, r"\sigma'": self.GRADIENT}


#: Roles drawn as text or thin lines: each must reach 4.5:1 against the background.
TEXT_ROLES = ("TEXT", "MUTED", "ACTIVATION", "GRADIENT", "SATURATED", "INPUT", "RELU", "DEAD", "HIGHLIGHT")

PALETTES: dict[str, Palette] = {
    "dark": Palette(
        BACKGROUND="#101319",
        TEXT="#ECEFF4",
        MUTED="#A3ACB9",
        ACTIVATION="#56B4E9",  # sky blue
        GRADIENT="#E69F00",    # orange
        SATURATED="#E8743B",   # vermillion, lifted for a dark ground
        INPUT="#2BC79A",       # bluish green, lifted
        RELU="#D98CB8",        # reddish purple, lifted
        DEAD="#9AA3AF",        # grey: no signal
        HIGHLIGHT="#F0E442",   # yellow
        CAPTION_BG="#000000",
    ),
    "light": Palette(
        BACKGROUND="#FFFFFF",
        TEXT="#1B1F24",
        MUTED="#5A6270",
        ACTIVATION="#0067A3",  # blue
        GRADIENT="#A15C00",    # dark orange
        SATURATED="#B3470A",   # dark vermillion
        INPUT="#00775A",       # dark bluish green
        RELU="#9C3D73",        # dark reddish purple
        DEAD="#5F6671",        # grey
        HIGHLIGHT="#6E5F00",   # dark yellow (olive): yellow itself is unreadable on white
        CAPTION_BG="#F2F3F5",
    ),
}


def palette(name: str) -> Palette:
    """The palette called ``name`` ("dark" or "light")."""
    try:
        return PALETTES[name]
    except KeyError:
        raise ValueError(f"theme must be one of {sorted(PALETTES)}, got {name!r}") from None


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``#RRGGBB`` colours, from 1 to 21.

    Examples
    --------
    >>> round(contrast_ratio("#000000", "#FFFFFF"), 1)
    21.0
    """
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
