"""Part two, scene 2, the ReLU family: ReLU, leaky ReLU, ELU, GELU and SiLU on one grid, the slope
each keeps for a negative input, and the dead units of ReLU against leaky ReLU on one network."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from typing import Callable

from ...core.activations import (
    elu,
    elu_prime,
    gelu,
    gelu_prime,
    leaky_relu,
    leaky_relu_prime,
    relu,
    relu_prime,
    silu,
    silu_prime,
)
from ...core.network import measure_gradients
from ..display import fmt, fmt_param
from ..i18n import N_, language
from ..narration import fill
from ..params import Params
from . import z_extent

__all__ = ["LINES", "NAMES", "SCREEN", "Member", "Families", "build"]

LINES = {
    "draw_the_family": N_(
        "The ReLU family: ReLU, leaky ReLU, ELU, GELU and SiLU, also called Swish. "
        "For large positive z each is close to z itself."
    ),
    "draw_their_slopes": N_(
        "Their slopes: on the right each tends to {one}, so a positive unit passes the gradient on "
        "whole. The smooth ones, GELU and SiLU, bend through {half} at z = 0."
    ),
    "read_the_negative_slopes": N_(
        "At z = {negative_z} ReLU's slope is {relu}: no gradient. Leaky ReLU keeps {leaky_relu}, "
        "ELU {elu}, GELU {gelu} and SiLU {silu}."
    ),
    "count_the_dead": N_(
        "On our {depth}-layer network, ReLU has {relu_dead} dead units of {units}; leaky ReLU, "
        "with slope {leaky_slope} on the left, has {leaky_dead}."
    ),
}

#: Each member's name on screen, in the order the scene draws them: names stay names in every
#: language, only "leaky" is a word (German writes it "Leaky ReLU").
NAMES = {"relu": "ReLU", "leaky_relu": N_("leaky ReLU"), "elu": "ELU", "gelu": "GELU", "silu": "SiLU"}
#: On-screen words.
SCREEN = {"dead": N_("dead units"), "at": N_("slope at z = {negative_z}")}
#: On-screen counts: no words to translate.
COUNTS = {"relu_count": "{relu_dead} / {units}", "leaky_count": "{leaky_dead} / {units}"}


@dataclass(frozen=True)
class Member:
    """One activation of the family, with its parameters bound."""

    id: str
    name: str
    f: Callable
    prime: Callable
    kinked: bool            # a kink at 0: plot with the discontinuity kept
    negative_slope: float   # its slope at the scene's negative input
    shown_slope: str


@dataclass(frozen=True)
class Families:
    """What the ReLU family scene shows under the parameters."""

    z_extent: float
    z_step: float
    output_range: tuple[float, float, float]
    slope_range: tuple[float, float, float]
    negative_z: float
    members: tuple[Member, ...]
    units: int                 # hidden units of the measured network
    relu_dead: int
    leaky_dead: int
    shown: dict[str, str]      # values as narrated and shown, in the language's form
    screen: dict[str, str]     # SCREEN translated and COUNTS, filled in
    lines: dict[str, str]


def _members(params: Params) -> list[tuple[str, Callable, Callable, bool]]:
    f = params.families
    return [("relu", relu, relu_prime, True),
            ("leaky_relu", partial(leaky_relu, alpha=f.leaky_slope), partial(leaky_relu_prime, alpha=f.leaky_slope), True),
            ("elu", partial(elu, alpha=f.elu_alpha), partial(elu_prime, alpha=f.elu_alpha), f.elu_alpha != 1.0),
            ("gelu", gelu, gelu_prime, False),
            ("silu", silu, silu_prime, False)]


def _range(low: float, high: float, most_ticks: int = 6) -> tuple[float, float, float]:
    """An axis range from ``low`` to ``high`` on whole ticks of 0.5, 1, 2 or 5, at most ``most_ticks``."""
    step = next(s for s in (0.5, 1.0, 2.0, 5.0, 10.0) if (high - low) / s <= most_ticks)
    return (step * math.floor(low / step), step * math.ceil(high / step), step)


def build(params: Params) -> Families:
    """The ReLU family scene under ``params``.

    Examples
    --------
    >>> f = build(Params())
    >>> f.shown["relu"], f.shown["leaky_relu"], f.shown["gelu"], f.relu_dead, f.leaky_dead
    ('0', '0.01', '-0.085', 29, 0)
    """
    fam, net = params.families, params.network
    tr = language(params)
    extent = z_extent(fam.negative_z, minimum=3.0)
    found = [(key, f, prime, kinked, float(prime(fam.negative_z))) for key, f, prime, kinked in _members(params)]
    lowest = min(float(f(-extent)) for _, f, *_ in found) - 0.2  # ELU's -alpha, leaky's slope x -extent
    top_slope = max(1.0, fam.elu_alpha) * 1.2
    dead = {a: measure_gradients(a, net.depth, net.width, net.seed, net.init, net.batch,
                                 leaky_slope=fam.leaky_slope).dead_count for a in ("relu", "leaky_relu")}
    shown = tr.numbers({
        "one": fmt(float(relu_prime(extent))),
        "half": fmt(float(gelu_prime(0.0))),
        "negative_z": fmt_param(fam.negative_z),
        **{key: fmt(slope) for key, *_, slope in found},
        "depth": str(net.depth),
        "units": str(net.depth * net.width),
        "relu_dead": str(dead["relu"]),
        "leaky_dead": str(dead["leaky_relu"]),
        "leaky_slope": fmt_param(fam.leaky_slope),
    })
    members = tuple(Member(key, tr(NAMES[key]), f, prime, kinked, slope, shown[key])
                    for key, f, prime, kinked, slope in found)
    return Families(
        z_extent=extent,
        z_step=1.0 if extent <= 6 else 2.0,
        output_range=_range(min(lowest, -1.0), extent),
        slope_range=_range(-0.5, top_slope),
        negative_z=fam.negative_z,
        members=members,
        units=net.depth * net.width,
        relu_dead=dead["relu"],
        leaky_dead=dead["leaky_relu"],
        shown=shown,
        screen={**tr.fill(SCREEN, shown), **fill(COUNTS, shown)},
        lines=tr.fill(LINES, shown),
    )
