"""The parameter file: defaults reproduce the lesson; every bad file is refused in one clear line."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from sigsat.lesson import params
from sigsat.lesson.params import ParamError


def test_defaults_reproduce_the_lesson():
    p = params.load()
    assert (p.saturation.threshold, p.saturation.probe_z) == (3.0, 5.0)
    assert (p.chain.layers, p.chain.per_layer_gradient, p.chain.learning_rate) == (5, 0.2, 0.1)
    assert (p.network.depth, p.network.width, p.network.seed) == (10, 32, 0)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lecture.toml"
    path.write_text(text)
    return path


def test_a_file_overrides_only_what_it_names(tmp_path):
    p = params.load(write(tmp_path, "[chain]\nlayers = 8\n[saturation]\nprobe_z = -4\n"))
    assert p.chain.layers == 8 and p.saturation.probe_z == -4.0
    assert isinstance(p.saturation.probe_z, float)
    assert p.chain.per_layer_gradient == 0.2 and p.network.depth == 10


def test_file_discovery_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(params.PARAMS_ENV, raising=False)
    assert params.load() == params.Params()
    (tmp_path / "sigsat.toml").write_text("[chain]\nlayers = 3\n")
    assert params.load().chain.layers == 3
    other = tmp_path / "other.toml"
    other.write_text("[chain]\nlayers = 4\n")
    monkeypatch.setenv(params.PARAMS_ENV, str(other))
    assert params.load().chain.layers == 4
    assert params.load(tmp_path / "sigsat.toml").chain.layers == 3


BAD = [
    ("[chain]\nlayres = 5\n", "[chain] layres", "allowed: layers, per_layer_gradient, learning_rate"),
    ("[chian]\nlayers = 5\n", "[chian]", "allowed: saturation, chain"),
    ("[chain]\nlayers = 0\n", "[chain] layers = 0", "an integer in [1, 12]"),
    ("[chain]\nlayers = 5.5\n", "[chain] layers = 5.5", "an integer"),
    ("[chain]\nlayers = true\n", "[chain] layers = true", "an integer"),
    ('[chain]\nlayers = "5"\n', '[chain] layers = "5"', "an integer"),
    ("[chain]\nper_layer_gradient = 0.0\n", "per_layer_gradient = 0.0", "(0.0, 1.0]"),
    ("[chain]\nper_layer_gradient = 1.5\n", "per_layer_gradient = 1.5", "(0.0, 1.0]"),
    ("[chain]\nlearning_rate = nan\n", "learning_rate = nan", "a finite number"),
    ("[saturation]\nprobe_z = inf\n", "probe_z = inf", "a finite number in [-8.0, 8.0]"),
    ("[saturation]\nthreshold = -3\n", "threshold = -3", "[0.5, 8.0]"),
    ("[network]\ninit = \"orthogonal\"\n", 'init = "orthogonal"', 'one of "auto", "xavier", "he", "normal"'),
    ('[theme]\nname = "blue"\n', 'name = "blue"', 'one of "dark", "light"'),
    ("[narration]\ncaptions = 1\n", "captions = 1", "true or false"),
    ("chain = 5\n", "[chain] must be a table", ""),
    ("[chain\nlayers = 5\n", "not valid TOML", ""),
]


@pytest.mark.parametrize("text, names, allowed", BAD, ids=[b[1] for b in BAD])
def test_bad_values_are_refused_naming_file_key_value_and_what_is_allowed(tmp_path, text, names, allowed):
    path = write(tmp_path, text)
    with pytest.raises(ParamError) as caught:
        params.load(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    assert names in message and allowed in message


def test_missing_file(tmp_path):
    with pytest.raises(ParamError, match="no such parameter file"):
        params.load(tmp_path / "nope.toml")


def test_toml_output_reads_back_to_the_same_parameters(tmp_path):
    p = params.load(write(tmp_path, "[chain]\nlayers = 7\n[theme]\nname = \"light\"\n"))
    again = params.from_mapping(tomllib.loads(params.to_toml(p)))
    assert again == p


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "sigsat.cli", *args], capture_output=True,
                          text=True, cwd=cwd)


def test_cli_params_prints_effective_toml(tmp_path):
    path = write(tmp_path, "[chain]\nlayers = 9\n")
    done = run_cli("params", "--params", str(path))
    assert done.returncode == 0
    assert tomllib.loads(done.stdout)["chain"]["layers"] == 9


@pytest.mark.parametrize("text", ["[chain]\nlayers = 0\n", "[chain\n", "[foo]\nbar = 1\n"])
def test_cli_refuses_bad_files_with_one_line_and_status_2(tmp_path, text):
    path = write(tmp_path, text)
    for command in (["params"], ["render", "--out", str(tmp_path / "r")]):
        done = run_cli(*command, "--params", str(path))
        assert done.returncode == 2
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and str(path) in lines[0], done.stderr
        assert "Traceback" not in done.stderr
