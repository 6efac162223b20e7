"""The sweep file: its two forms, the variants they make, and every refusal in one line."""

from __future__ import annotations

import itertools
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sigsat.lesson.params import Params, from_mapping
from sigsat.production import sweep as sweep_mod
from sigsat.production.sweep import (SWEEP_RECORD, SweepError, load_sweep, parse_sweep, read_record,
                                     variant_root, write_record)

BASE = Params()
FOLDER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def parse(text: str, source: str = "study.toml"):
    return parse_sweep(text, source, BASE)


def refusal(text: str, source: str = "study.toml") -> str:
    with pytest.raises(SweepError) as caught:
        parse(text, source)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(source)
    return message


# ------------------------------------------------------------------------------------------------
# the two forms


def test_hand_variants_keep_file_order_and_their_overrides_reach_the_params():
    s = parse('name = "probe-study"\n'
              '[[variant]]\nname = "near"\n"saturation.probe_z" = 3\ntheme = "light"\n'
              '[[variant]]\nname = "far"\nsaturation.probe_z = 6.5\n"chain.layers" = 8\n')
    assert s.name == "probe-study"
    near, far = s.variants
    assert (near.name, far.name) == ("near", "far")
    assert near.params.saturation.probe_z == 3 and near.params.theme.name == "light"
    assert far.params.saturation.probe_z == 6.5 and far.params.chain.layers == 8
    assert far.params.theme.name == BASE.theme.name  # not overridden: the base's
    assert near.overrides == {"saturation.probe_z": 3.0, "theme.name": "light"}
    # everything not overridden is the base's
    assert far.params.network == BASE.network and far.params.narration == BASE.narration


def test_variants_start_from_the_base_they_are_given():
    base = from_mapping({"chain": {"layers": 9}, "theme": {"name": "light"}})
    (v,) = parse_sweep('[[variant]]\nname = "a"\n"saturation.probe_z" = 4', "s.toml", base).variants
    assert (v.params.chain.layers, v.params.theme.name, v.params.saturation.probe_z) == (9, "light", 4.0)


def test_the_grid_is_every_combination_in_row_major_order():
    lists = {"saturation.probe_z": [3, 4, 5], "chain.layers": [2, 7], "theme": ["dark", "light"]}
    text = "[grid]\n" + "".join(f"{json.dumps(k)} = {json.dumps(v)}\n" for k, v in lists.items())
    variants = parse(text).variants
    expected = list(itertools.product(*lists.values()))  # the oracle: the file's own lists
    got = [(v.params.saturation.probe_z, v.params.chain.layers, v.params.theme.name) for v in variants]
    assert got == expected


def test_hand_variants_come_before_the_grid():
    s = parse('[grid]\n"chain.layers" = [2, 3]\n[[variant]]\nname = "mine"\n"chain.layers" = 9\n')
    assert [v.params.chain.layers for v in s.variants] == [9, 2, 3]
    assert s.variants[0].name == "mine"


def test_grid_names_read_as_key_value_pairs():
    s = parse('[grid]\n"saturation.probe_z" = [3, 4.5, -3]\ntheme = ["dark"]\n')
    assert [v.name for v in s.variants] == ["probe_z-3_theme-dark", "probe_z-4.5_theme-dark",
                                           "probe_z--3_theme-dark"]


def test_grid_keys_that_share_a_last_part_are_named_in_full():
    s = parse('[grid]\n"network.seed" = [1]\n"chain.layers" = [2]\n"network.depth" = [3]\n')
    assert s.variants[0].name == "seed-1_layers-2_depth-3"
    # no two keys share "name" here, but theme.name is called "theme" all the same
    assert parse('[grid]\n"theme.name" = ["light"]').variants[0].name == "theme-light"


grid_values = st.one_of(
    st.lists(st.integers(-8, 8), min_size=1, max_size=3, unique=True).map(lambda v: ("saturation.probe_z", v)),
    st.lists(st.floats(1e-100, 0.99, allow_nan=False), min_size=1, max_size=3, unique=True)
    .map(lambda v: ("chain.per_layer_gradient", v)),
    st.lists(st.sampled_from(["dark", "light"]), min_size=1, max_size=2, unique=True).map(lambda v: ("theme", v)),
    st.lists(st.sampled_from(["en-us", "en+f3", "en+m1", "de"]), min_size=1, max_size=3, unique=True)
    .map(lambda v: ("narration.voice", v)),
    st.lists(st.integers(1, 12), min_size=1, max_size=3, unique=True).map(lambda v: ("chain.layers", v)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(grid_values, min_size=1, max_size=4, unique_by=lambda kv: kv[0]))
def test_generated_names_are_unique_folder_names_and_count_the_product(grid):
    text = "[grid]\n" + "".join(f"{json.dumps(k)} = {json.dumps(v)}\n" for k, v in grid)
    variants = parse(text).variants
    names = [v.name for v in variants]
    assert len(names) == len(set(names)) == len(list(itertools.product(*(v for _, v in grid))))
    assert all(FOLDER_NAME.fullmatch(n) and len(n) <= 64 for n in names)


def test_a_long_generated_name_is_cut_to_a_unique_folder_name():
    gradients = [0.1 + i * 1e-16 for i in range(1, 4)]  # long reprs
    text = ("[grid]\n" f'"chain.per_layer_gradient" = {json.dumps(gradients)}\n'
            '"saturation.probe_z" = [-7.123456789, 7.123456789]\n"narration.voice" = ["en+f3", "en+m1"]\n')
    names = [v.name for v in parse(text).variants]
    assert len(set(names)) == len(names) == 12
    assert all(FOLDER_NAME.fullmatch(n) and len(n) <= 64 for n in names)


def test_swept_lists_the_parameters_that_differ_between_variants():
    s = parse('[[variant]]\nname = "a"\n"chain.layers" = 3\n"network.seed" = 1\n'
              '[[variant]]\nname = "b"\n"network.seed" = 1\n"saturation.probe_z" = 4\n')
    # chain.layers: 3 against the base's 5; probe_z: the base's against 4; seed: 1 in both
    assert s.swept == ("saturation.probe_z", "chain.layers")
    assert parse('[[variant]]\nname = "only"\n"chain.layers" = 3\n').swept == ()


def test_the_sweep_is_named_after_the_file_without_a_name_key(tmp_path):
    path = tmp_path / "probe-study.toml"
    path.write_text('[[variant]]\nname = "a"\n')
    assert load_sweep(path, BASE).name == "probe-study"


def test_variant_root_and_the_record_round_trip(tmp_path):
    s = parse('[[variant]]\nname = "near"\n"saturation.probe_z" = 3\n[grid]\ntheme = ["dark", "light"]\n')
    root = tmp_path / "renders" / "sweeps" / s.name
    assert variant_root(tmp_path / "renders", s, s.variants[2]) == root / "theme-light"
    write_record(root, s)
    record = read_record(root)
    assert record["name"] == s.name and record["swept"] == list(s.swept)
    assert [(v["name"], v["overrides"], v["theme"]) for v in record["variants"]] == [
        (v.name, v.overrides, v.params.theme.name) for v in s.variants]
    assert record["variants"][0]["swept_values"] == {"saturation.probe_z": 3.0, "theme.name": "dark"}
    assert [p.name for p in root.iterdir()] == [SWEEP_RECORD]  # no temporary left beside it


def test_a_damaged_record_is_one_line_naming_it(tmp_path):
    (tmp_path / SWEEP_RECORD).write_text('{"name": "x", "variants": [{"name": "../up"}], "swept": []}')
    with pytest.raises(SweepError, match=f"{SWEEP_RECORD}: not a sweep record"):
        read_record(tmp_path)
    with pytest.raises(SweepError, match="no sweep record"):
        read_record(tmp_path / "nowhere")


# ------------------------------------------------------------------------------------------------
# refusals: one line, naming the file and the culprit


@pytest.mark.parametrize("text, culprit", [
    ('[[variant]]\nname = "a"\n[grids]\n"chain.layers" = [1]', '"grids"'),
    ('title = "x"\n[[variant]]\nname = "a"', '"title"'),
])
def test_an_unknown_top_level_key_or_table_is_refused(text, culprit):
    message = refusal(text)
    assert culprit in message and "[grid]" in message and "[[variant]]" in message


@pytest.mark.parametrize("text, culprit", [
    ('[variant]\nname = "a"', "variant must be [[variant]] tables"),  # one table, not a list of them
    ('name = "x"\ngrid = [1, 2]', "grid = [1, 2] is not allowed: expected a [grid] table"),
])
def test_variant_and_grid_must_be_tables_of_their_kind(text, culprit):
    assert culprit in refusal(text)


@pytest.mark.parametrize("text", [
    '[[variant]]\nname = "a"\n"saturation.probez" = 3',
    '[[variant]]\nname = "a"\nsaturation.probez = 3',
    '[grid]\n"saturation.probez" = [3]',
    '[[variant]]\nname = "a"\nprobez = 3',
])
def test_an_unknown_parameter_is_refused_saying_where_they_are_listed(text):
    message = refusal(text)
    assert "probez" in message and "sigsat params" in message


@pytest.mark.parametrize("text, culprit", [
    ("[grid]\n", "[grid] is empty"),
    ('[grid]\n"chain.layers" = []', '"chain.layers" = []'),
    ('[grid]\n"chain.layers" = 3', '"chain.layers" = 3'),
    ('[[variant]]\nname = "a"\n[grid]\ntheme = "dark"', '"theme" = "dark"'),
])
def test_a_grid_entry_must_be_a_non_empty_list(text, culprit):
    message = refusal(text)
    assert culprit in message and ("non-empty list" in message or "at least one" in message)


@pytest.mark.parametrize("text, culprit", [
    ('[[variant]]\n"chain.layers" = 3', "number 1 has no name"),
    ('[[variant]]\nname = "a"\n[[variant]]\n"chain.layers" = 3', "number 2 has no name"),
    ('[[variant]]\nname = "../up"', '"../up"'),
    ('[[variant]]\nname = ".hidden"', '".hidden"'),
    ('[[variant]]\nname = 3', "name = 3"),
    ('[[variant]]\nname = "' + "x" * 65 + '"', "xxxxxxxxxx"),
])
def test_a_variant_without_a_good_name_is_refused(text, culprit):
    message = refusal(text)
    assert culprit in message


@pytest.mark.parametrize("text", [
    '[[variant]]\nname = "a"\n[[variant]]\nname = "a"\n"chain.layers" = 3',
    '[[variant]]\nname = "theme-dark"\n[grid]\ntheme = ["dark", "light"]',   # a hand name meets a grid name
    '[grid]\n"chain.layers" = [3, 3]',
], ids=["hand-twice", "hand-meets-grid", "grid-value-twice"])
def test_duplicate_variant_names_are_refused(text):
    message = refusal(text)
    assert "two variants are named" in message


def test_a_value_out_of_range_or_of_the_wrong_type_names_the_variant_and_what_is_allowed():
    message = refusal('[[variant]]\nname = "far"\n"saturation.probe_z" = 99')
    assert 'variant "far"' in message and "probe_z = 99" in message and "[-8.0, 8.0]" in message
    message = refusal('[grid]\n"chain.layers" = [3, 2.5]')
    assert 'variant "layers-2.5"' in message and "an integer" in message
    message = refusal('[grid]\ntheme = ["dark", "sepia"]')
    assert 'variant "theme-sepia"' in message and '"sepia"' in message and '"light"' in message


def test_no_variants_or_too_many_are_refused():
    assert "no variants" in refusal('name = "x"')
    message = refusal('[grid]\n"network.seed" = ' + json.dumps(list(range(20))) + '\n"chain.layers" = '
                      + json.dumps(list(range(1, 14))) + "\n")
    assert "260 variants (20 x 13)" in message and "256" in message
    hand = "".join(f'[[variant]]\nname = "h{i}"\n' for i in range(17))
    message = refusal(hand + '[grid]\n"network.seed" = ' + json.dumps(list(range(240))))
    assert "240 variants" in message and "17 are listed by hand" in message


def test_a_sweep_name_that_is_no_folder_name_is_refused():
    assert '"a/b"' in refusal('name = "a/b"\n[[variant]]\nname = "x"')
    assert 'name = "..."' in refusal('[[variant]]\nname = "x"', source="my study.toml")


def test_bad_toml_is_one_line_with_tomllibs_message():
    message = refusal('[[variant]]\nname = "a\n')
    assert "not valid TOML" in message and "line 2" in message


def test_a_missing_or_unreadable_sweep_file_is_one_line_naming_it(tmp_path):
    for path, words in [(tmp_path / "missing.toml", "no such sweep file"),
                        (tmp_path, "is a folder, not a sweep file")]:
        with pytest.raises(SweepError) as caught:
            load_sweep(path, BASE)
        assert str(caught.value).startswith(str(path)) and words in str(caught.value)
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (sweep_mod.params_mod.MAX_FILE_BYTES + 1))
    with pytest.raises(SweepError, match="too large for a sweep file"):
        load_sweep(big, BASE)
