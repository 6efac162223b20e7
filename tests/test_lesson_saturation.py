"""Scene 1's numbers: narration and readouts against scipy, under the three parameter sets."""

from __future__ import annotations

import pytest
from scipy.special import expit

from sigsat import params
from sigsat.display import fmt
from sigsat.lessons import saturation
from tests.conftest import PARAM_SETS


@pytest.mark.parametrize("name", list(PARAM_SETS))
def test_narrated_numbers_and_final_readouts(name):
    p = params.load(PARAM_SETS[name]) if PARAM_SETS[name] else params.Params()
    s = saturation.build(p)
    z, t = p.saturation.probe_z, p.saturation.threshold
    slope = expit(z) * expit(-z)
    assert f"within {fmt(expit(-t))} of 0 or 1" in s.lines["shade_the_tails"]
    assert f"only {fmt(slope)} at z = {fmt(z, 3)}." in s.lines["follow_the_probe"]
    # The live readout stops on the number the narration says.
    assert f"{slope:.{s.slope_places}f}" == fmt(slope)
    assert float(f"{expit(z):.{s.output_places}f}") == pytest.approx(expit(z), rel=0.1)
    share = 4 * expit(s.plateau_z) * expit(-s.plateau_z)
    assert f"moves {fmt(100 * share)}% as far" in s.lines["push_the_ball"]
    assert abs(s.plateau_z) >= t and s.z_extent >= abs(z) + 1
