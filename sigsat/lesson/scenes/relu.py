"""Scene 6, ReLU keeps the gradient: a constant slope of 1 on the right, a dead flat region on the left."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...core.activations import SIGMOID_PEAK_SLOPE, relu_prime
from ..display import fmt, fmt_param, fmt_percent
from ..i18n import N_, Language, language
from ...core.network import GradientReport, measure_gradients
from ..params import Params
from . import z_extent

__all__ = ["LINES", "Relu", "build", "unit_preactivations", "PREACTIVATIONS"]

#: How many of the illustrative unit's pre-activations the scene shows.
PREACTIVATIONS = 8
#: The bias drop is rounded up to a multiple of this, so the narration says a round number.
_SHIFT_STEP = 0.5
#: After the drop the largest pre-activation is at least this far left of 0.
_SHIFT_MARGIN = 0.25

LINES = {
    "draw_relu_and_slope": N_(
        "ReLU passes positive inputs straight through and outputs 0 otherwise. "
        "Its slope is a step: {one} for every positive z, and {zero} for z ≤ 0, zero included."
    ),
    "mark_the_two_regions": N_(
        "On the right the slope is {one} however large z gets, {ratio} times the sigmoid's best "
        "of {peak}. On the left it is {zero}: a flat, dead region."
    ),
    "push_the_ball": N_(
        "Push a ball on the slope at z = {right_z} and it rolls consistently, {right_percent} of "
        "the push. At z = {left_z}, another flat plateau, it moves {left_percent}."
    ),
    "kill_a_unit": N_(
        "This unit fires on {firing} of its {inputs} inputs. A large update lowers its bias by "
        "{shift}: now all land left of 0. No output, no gradient: the unit is dead."
    ),
    "count_the_dead": N_(
        "In our {depth}-layer ReLU network, {deepest_dead} of the {width} units in the last hidden "
        "layer never fire on this batch of {batch}: {deepest_percent} dead; {over_all}."
    ),
}


@dataclass(frozen=True)
class Relu:
    z_extent: float                 # the shared z axis runs from -z_extent to z_extent
    z_step: float                   # its tick step
    ball_right_z: float             # where the ball starts on the slope
    ball_left_z: float              # where the ball starts on the dead plateau
    push: float                     # how far (in z) a push moves a ball where the slope is 1
    ball_right_share: float         # relu_prime at the right ball: the share of the push it moves
    ball_left_share: float
    preactivations: np.ndarray      # the illustrative unit's inputs z before its bias drops
    shift: float                    # how far its bias drops
    firing_before: int              # inputs with z > 0 before the drop
    firing_after: int               # ... and after (0: the unit is dead)
    depth: int
    width: int
    batch: int
    dead_fraction: np.ndarray       # measured share of dead units, per hidden layer (1 = next to input)
    dead_units: np.ndarray          # boolean mask of the last hidden layer's dead units, as measured
    silent_fraction: np.ndarray     # share of units per hidden layer that get no gradient at all
    shown: dict[str, str]           # every value above as the narration and the screen show it
    lines: dict[str, str]

    @property
    def shifted(self) -> np.ndarray:
        """The unit's pre-activations after its bias drops by ``shift``."""
        return self.preactivations - self.shift

    @property
    def deepest_dead(self) -> int:
        """Dead units in the last hidden layer."""
        return int(self.dead_units.sum())


def unit_preactivations(seed: int, count: int = PREACTIVATIONS) -> np.ndarray:
    """An illustrative unit's pre-activations: a seeded standard normal draw, centred on 0, sorted.

    Centring makes the unit fire on some of its inputs and not others, whatever the seed, so that
    the drop that kills it has something to switch off.

    Examples
    --------
    >>> z = unit_preactivations(0)
    >>> z.shape, bool(abs(z.mean()) < 1e-12), bool(np.all(np.diff(z) >= 0))
    ((8,), True, True)
    """
    draw = np.random.default_rng([seed, 2]).normal(0.0, 1.0, size=count)
    return np.sort(draw - draw.mean())


def _over_all(report: GradientReport, depth: int, tr: Language) -> dict[str, str]:
    """The whole network's share of units that do not learn, spoken (``over_all``) and on screen
    (``all_layers``): the dead ones, or, when a dead layer cuts the backward pass, every unit that
    gets no gradient, dead or not."""
    dead, silent = float(report.dead_fraction.mean()), float(report.silent_fraction.mean())
    if silent > dead:
        percent = tr.number(fmt_percent(silent))
        return {"over_all": tr("{percent} of all units get no gradient").format(percent=percent),
                "all_layers": tr("{percent} get no gradient").format(percent=percent)}
    percent = tr.number(fmt_percent(dead))
    return {"over_all": tr("{percent} over all {depth} layers").format(percent=percent, depth=depth),
            "all_layers": percent}


def _network_values(depth: int, width: int, batch: int, report: GradientReport,
                    tr: Language) -> dict[str, str]:
    """The measured network as the narration and the screen show it."""
    return {
        "depth": str(depth),
        "width": str(width),
        "batch": str(batch),
        "deepest_dead": str(int(report.dead_units[-1].sum())),
        "deepest_percent": fmt_percent(float(report.dead_fraction[-1])),
        "mean_percent": fmt_percent(float(report.dead_fraction.mean())),
        **_over_all(report, depth, tr),
    }


def _ball_pushes(extent: float) -> dict[str, float]:
    """Where the two balls start (on the slope, on the dead plateau), how far a push moves a ball
    where the slope is 1, and the share of it each ball moves (``Relu``'s ``ball_*`` and ``push``)."""
    push = extent / 4.0
    right_z, left_z = math.ceil(2.0 * push) / 2.0, -extent / 2.0
    return {"ball_right_z": right_z, "ball_left_z": left_z, "push": push,
            "ball_right_share": float(relu_prime(right_z)), "ball_left_share": float(relu_prime(left_z))}


def build(params: Params) -> Relu:
    """Scene 6 under ``params``.

    Examples
    --------
    >>> r = build(Params())
    >>> r.lines["count_the_dead"][:45]
    'In our 10-layer ReLU network, 9 of the 32 uni'
    >>> r.firing_after
    0
    """
    n = params.network
    tr = language(params)
    report = measure_gradients("relu", n.depth, n.width, n.seed, n.init, n.batch)

    z = unit_preactivations(n.seed)
    shift = _SHIFT_STEP * math.ceil((float(z.max()) + _SHIFT_MARGIN) / _SHIFT_STEP)
    firing_before = int(relu_prime(z).sum())
    firing_after = int(relu_prime(z - shift).sum())

    extent = z_extent(*z, *(z - shift), minimum=4.0)
    balls = _ball_pushes(extent)

    values = {
        "one": fmt(float(relu_prime(1.0))),
        "zero": fmt(float(relu_prime(0.0))),
        "ratio": fmt(float(relu_prime(1.0)) / SIGMOID_PEAK_SLOPE),
        "peak": fmt(SIGMOID_PEAK_SLOPE),
        "right_z": fmt_param(balls["ball_right_z"]),
        "left_z": fmt_param(balls["ball_left_z"]),
        "right_percent": fmt_percent(balls["ball_right_share"]),
        "left_percent": fmt_percent(balls["ball_left_share"]),
        "firing": str(firing_before),
        "inputs": str(len(z)),
        "shift": fmt_param(shift),
        **_network_values(n.depth, n.width, n.batch, report, tr),
    }
    values = tr.numbers(values)
    return Relu(
        z_extent=extent,
        z_step=1.0 if extent <= 5 else 2.0,
        **balls,
        preactivations=z,
        shift=shift,
        firing_before=firing_before,
        firing_after=firing_after,
        depth=n.depth,
        width=n.width,
        batch=n.batch,
        dead_fraction=report.dead_fraction,
        dead_units=report.dead_units[-1],
        silent_fraction=report.silent_fraction,
        shown=values,
        lines=tr.fill(LINES, values),
    )
