"""The JSON Schema of sigsat.toml (`sigsat params --schema`) says what the loader allows.

The schema is checked by the `jsonschema` package, an implementation independent of our loader:
on the defaults, on hand-picked good and bad files, and on values drawn around every declared
bound. Two differences are inherent to JSON and left out of the comparison: NaN is no JSON value
(the loader refuses it), and JSON Schema counts 5.0 as an integer (the loader asks for 5).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tomllib

import jsonschema
import pytest
from hypothesis import given, settings, strategies as st

from sigsat import cli
from sigsat.lesson import params
from sigsat.lesson.params import ParamError

SCHEMA = params.json_schema()
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)


def loader_accepts(data: dict) -> bool:
    try:
        params.from_mapping(data)
    except ParamError:
        return False
    return True


def test_the_schema_is_a_valid_draft_7_schema_that_the_defaults_pass():
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    VALIDATOR.validate(tomllib.loads(params.to_toml(params.Params())))
    for table in SCHEMA["properties"].values():
        for key in table["properties"].values():
            jsonschema.Draft7Validator(key).validate(key["default"])


def test_the_schema_states_ranges_choices_defaults_and_closed_tables():
    tables = SCHEMA["properties"]
    assert SCHEMA["additionalProperties"] is False
    assert all(t["additionalProperties"] is False and t["description"] for t in tables.values())
    assert list(tables) == ["saturation", "chain", "network", "tanh", "families", "init", "residual",
                            "theme", "narration"]
    slope = tables["families"]["properties"]["leaky_slope"]
    assert (slope["exclusiveMinimum"], slope["maximum"], slope["default"]) == (0.0, 0.5, 0.01)
    layers = tables["chain"]["properties"]["layers"]
    assert (layers["type"], layers["minimum"], layers["maximum"], layers["default"]) == ("integer", 1, 12, 5)
    gradient = tables["chain"]["properties"]["per_layer_gradient"]
    assert (gradient["exclusiveMinimum"], gradient["maximum"]) == (0.0, 1.0) and "minimum" not in gradient
    assert tables["network"]["properties"]["init"]["enum"] == ["auto", "xavier", "he", "normal"]
    assert tables["narration"]["properties"]["mode"]["enum"] == ["none", "espeak", "festival", "recorded"]
    assert tables["narration"]["properties"]["language"]["enum"] == ["en", "de", "es"]
    assert tables["narration"]["properties"]["captions"] == {
        "type": "boolean", "default": True,
        "description": "show each beat's narration line on screen as well as in the .srt"}
    assert all(k["description"] for t in tables.values() for k in t["properties"].values())


#: (TOML text, valid?) written by hand: both sides of each kind of rule.
FILES = [
    ("", True),
    ("#:schema ./sigsat.schema.json\n[chain]\nlayers = 3\n", True),  # the editor directive (README)
    ("[chain]\nlayers = 12\n", True),
    ("[chain]\nlayers = 13\n", False),
    ("[chain]\nlayres = 5\n", False),
    ("[chian]\nlayers = 5\n", False),
    ("chain = 5\n", False),
    ("[families]\nleaky_slope = 0.5\n", True),
    ("[families]\nleaky_slope = 0\n", False),
    ("[init]\ndepth = 50\n", True),
    ("[residual]\ndepth = 51\n", False),
    ('[chain]\nlayers = "5"\n', False),
    ("[chain]\nlayers = true\n", False),
    ("[chain]\nlayers = 5.5\n", False),
    ("[chain]\nper_layer_gradient = 0.0\n", False),
    ("[chain]\nper_layer_gradient = 5e-324\n", True),
    ("[chain]\nper_layer_gradient = 1\n", True),
    ("[saturation]\nprobe_z = inf\n", False),
    ("[saturation]\nprobe_z = -8\n", True),
    ("[network]\nseed = 4294967295\n", True),
    ("[network]\nseed = 4294967296\n", False),
    ('[network]\ninit = "he"\n', True),
    ('[network]\ninit = "orthogonal"\n', False),
    ('[theme]\nname = "light"\n', True),
    ('[theme]\nname = "Light"\n', False),
    ("[narration]\ncaptions = 1\n", False),
    ('[narration]\nvoice = "en-gb+f3"\n', True),
    ('[narration]\nvoice = "xx en-us!"\n', False),  # the pattern matches the whole value
    ('[narration]\nvoice = "EN"\n', False),
    ('[narration]\nrecordings = ""\n', False),
    ('[narration]\nrecordings = "my takes"\n', True),
    ('[narration]\nrecordings = " takes"\n', False),
]


@pytest.mark.parametrize("text, valid", FILES, ids=[t.replace("\n", " ").strip() or "empty" for t, _ in FILES])
def test_schema_and_loader_agree_on_hand_picked_files(text, valid):
    data = tomllib.loads(text)
    assert VALIDATOR.is_valid(data) is valid
    assert loader_accepts(data) is valid


KEYS = [(t, k, spec) for t, table in SCHEMA["properties"].items() for k, spec in table["properties"].items()]


def _on_the_rules(spec: dict) -> list:
    """The default, the choices, and values on, just inside and just outside each bound."""
    values = [spec["default"], *spec.get("enum", [])]
    for bound in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        if bound in spec:
            b = spec[bound]
            values += [b, math.nextafter(b, math.inf), math.nextafter(b, -math.inf), b - 1, b + 1]
    return values + [math.inf, -math.inf, True, "", "en-us", "x y", " x", [1], {"a": 1}]


def comparable(spec: dict, value: object) -> bool:
    """False for the two differences JSON cannot express (see the module docstring), and for a
    final newline, before which Python's `$` also matches (editors' ECMA and Rust engines do not)."""
    integral_float = spec["type"] == "integer" and isinstance(value, float) and value.is_integer()
    return not integral_float and not (isinstance(value, str) and value.endswith("\n"))


@pytest.mark.parametrize("table, key, spec", KEYS, ids=[f"{t}.{k}" for t, k, _ in KEYS])
def test_schema_and_loader_agree_on_every_bound_and_choice(table, key, spec):
    for value in filter(lambda v: comparable(spec, v), _on_the_rules(spec)):
        data = {table: {key: value}}
        assert VALIDATOR.is_valid(data) is loader_accepts(data), data


@st.composite
def one_value(draw) -> tuple[str, str, object]:
    table, key, spec = draw(st.sampled_from(KEYS))
    value = draw(st.one_of(
        st.integers(-(2**40), 2**40), st.floats(allow_nan=False), st.booleans(), st.text(max_size=8),
        st.sampled_from(["en", "en-us", "e", "en us", "a\tb", "x-", "en-", "abc+x_1"]),
        st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
    ).filter(lambda v: comparable(spec, v)))
    return table, key, value


@settings(max_examples=300, deadline=None)
@given(one_value())
def test_schema_and_loader_agree_on_random_values(drawn):
    table, key, value = drawn
    data = {table: {key: value}}
    assert VALIDATOR.is_valid(data) is loader_accepts(data), data


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "sigsat.cli", *args], capture_output=True, text=True)


def test_cli_prints_the_schema():
    done = run_cli("params", "--schema")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == SCHEMA


def test_cli_schema_and_a_parameter_file_exclude_each_other():
    done = run_cli("params", "--schema", "--params", "x.toml")
    assert done.returncode == 2
    assert done.stderr.startswith("sigsat: ") and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["render", "storyboard", "slides"])
def test_cli_overrides_offer_exactly_the_schemas_choices(command):
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices[command]
    offered = {a.dest: list(a.choices) for a in sub._actions if a.dest in ("theme", "narration")}
    assert offered == {"theme": SCHEMA["properties"]["theme"]["properties"]["name"]["enum"],
                       "narration": SCHEMA["properties"]["narration"]["properties"]["mode"]["enum"]}


def test_choices_of_a_free_key_is_a_programming_error():
    with pytest.raises(ValueError, match="narration.voice"):
        params.choices("narration.voice")
