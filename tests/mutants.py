"""The mutation catalogue: small bugs put in on purpose, each with the test that must catch it.

Run from the repository root (not collected by pytest)::

    .venv/bin/python -m tests.mutants            # every mutation
    .venv/bin/python -m tests.mutants NAME ...   # some of them
    .venv/bin/python -m tests.mutants --list

For each mutation the repository is copied to a temporary folder, the original snippet is
replaced there (it must occur exactly once, so that the table cannot silently rot when the code
changes), and the killing test runs in the copy with the copy first on the import path, also for
the processes the tests start. First, the killing tests must pass on an unmutated copy: a test
that fails anyway kills nothing. One line per mutation (killed / SURVIVED / TODO / ERROR), then a
summary; the exit status is 0 only when every mutation run was killed. tests/MUTATIONS.md lists
the same mutations for readers.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutation:
    name: str
    file: str                # relative to the repository root
    original: str            # exact snippet, found exactly once in ``file``
    replacement: str
    tests: tuple[str, ...]   # pytest node ids that must fail; empty: no killing test yet (TODO)


MUTATIONS: tuple[Mutation, ...] = (
    Mutation(
        "last-frame-is-first-frame", "sigsat/production/media.py",
        "        for frame in container.decode(video=0):\n            pass\n",
        "        for frame in container.decode(video=0):\n            break\n",
        ("tests/test_media.py::test_last_frame_is_the_videos_last_decoded_frame",)),
    Mutation(
        "silent-hold-ignores-pause", "sigsat/lesson/scenes/__init__.py",
        "reading_seconds(line, params.narration.words_per_minute, params.narration.pause)",
        "reading_seconds(line, params.narration.words_per_minute, 0.8)",
        ("tests/test_scenes.py::test_a_silent_beat_holds_for_its_reading_time_and_pause[saturation]",)),
    Mutation(
        "derivative-summary-shows-peak", "scenes/derivative.py",
        "rf\"\\sigma'(\\pm {as_tex(d.shown['threshold'])}) = {as_tex(d.shown['threshold_slope'])}\",",
        "rf\"\\sigma'(\\pm {as_tex(d.shown['threshold'])}) = {as_tex(d.shown['peak'])}\",",
        ("tests/test_pixels.py::test_derivative_last_frame[dark]",)),
    Mutation(
        "fmt-truncates", "sigsat/lesson/display.py",
        "def _round(x: Number, sig: int, rounding: str = ROUND_HALF_UP) -> Decimal:",
        "def _round(x: Number, sig: int, rounding: str = \"ROUND_DOWN\") -> Decimal:",
        ("tests/test_lesson_measured.py::test_fmt_below_a_million_is_the_nearest_two_figure_decimal",)),
    Mutation(
        "unwritable-folder-message-grows-a-line", "sigsat/production/pipeline.py",
        "{exc.strerror or exc}\") from None",
        "{exc.strerror or exc}\\n{exc!r}\") from None",
        ("tests/test_pipeline.py::test_unwritable_output_folder_is_one_line",)),
    Mutation(
        "sigterm-leaves-manim-running", "sigsat/production/pipeline.py",
        "                proc.kill()\n",
        "                pass\n",
        ("tests/test_render_slow.py::test_a_killed_render_leaves_the_previous_outputs_and_manifest"
         "[SIGTERM to sigsat]",)),
    Mutation(
        "key-ignores-network-batch", "sigsat/production/keys.py",
        "{k: flat[k] for k in seen.reads}",
        "{k: flat[k] for k in seen.reads if k != \"network.batch\"}",
        ("tests/test_keys.py::test_a_silent_scene_is_rekeyed_by_a_parameter_only_its_picture_and_captions_show",)),
    Mutation(
        "key-ignores-transparent", "sigsat/production/keys.py",
        "\"transparent\": transparent, ",
        "",
        ("tests/test_keys.py::test_transparent_and_formats_rekey_every_scene",)),
    Mutation(
        "key-ignores-narration", "sigsat/production/keys.py",
        "{k: flat[k] for k in seen.reads}",
        "{k: flat[k] for k in seen.reads if not k.startswith(\"narration.\")}",
        ("tests/test_keys.py::test_a_change_the_voice_does_not_show_rekeys_a_scene_whose_first_beat_changes",)),
    Mutation(
        "commit-drops-a-file", "sigsat/production/pipeline.py",
        "        \"files\": list(result.files),\n",
        "        \"files\": list(result.files)[:-1],\n",
        ("tests/test_matrix_outputs.py::test_commit_records_every_staged_file_with_its_size_and_hash",)),
    Mutation(
        "saturation-readout-loses-a-decimal", "sigsat/lesson/scenes/saturation.py",
        "output_places=decimals_for(float(sigmoid(p.probe_z)), OUTPUT_SIG),",
        "output_places=decimals_for(float(sigmoid(p.probe_z)), OUTPUT_SIG) - 1,",
        ("tests/test_lesson_saturation.py::test_narrated_numbers_and_final_readouts",)),
    Mutation(
        "key-misses-the-voice-services", "sigsat/production/keys.py",
        "p.name in others | {LECTURE_SCENE, PREVIEW_WORKER})",
        "p.name in others | {LECTURE_SCENE, PREVIEW_WORKER, \"voice.py\"})",
        ("tests/test_dryrun.py::test_editing_any_file_the_scene_uses_makes_it_stale",)),
    Mutation(
        "key-includes-other-scenes", "sigsat/production/keys.py",
        "others = {f\"{s.id}.py\" for s in lecture.SCENES if s != spec}",
        "others = set()",
        ("tests/test_dryrun.py::test_editing_another_scenes_module_or_production_leaves_it_up_to_date",)),
    Mutation(
        "dry-run-sets-aside-a-bad-manifest", "sigsat/production/dryrun.py",
        "        manifest = manifest_mod.load(out)\n",
        "        manifest = manifest_mod.read_or_set_aside(out)\n",
        ("tests/test_dryrun.py::test_an_unreadable_manifest_is_reported_and_left_alone",)),
    Mutation(
        "gallery-imports-the-planner", "sigsat/production/gallery.py",
        "def _scene_lines(scene_id: str, inputs: dict) -> dict[str, str]:\n",
        "def _scene_lines(scene_id: str, inputs: dict) -> dict[str, str]:\n    from .pipeline import stem  # noqa\n",
        ("tests/test_layers.py::test_the_real_tree_has_no_cycle_and_no_wrong_way_import",)),
    # Issue 10: a chunked render must equal a whole one (each row renders scene 1 whole and in 3 chunks).
    Mutation(
        "chunk-skipped-beat-no-caption", "scenes/common.py",
        "            with self.voiceover(text=spoken(line), recording=f\"{stage.scene_id}/{name}\"):\n"
        "                _show_caption(stage, line)\n",
        "            with self.voiceover(text=spoken(line), recording=f\"{stage.scene_id}/{name}\"):\n"
        "                if not skipped:\n                    _show_caption(stage, line)\n",
        ("tests/test_chunks_equal.py::test_every_frame_looks_the_same[saturation-low-3]",)),
    Mutation(
        "chunk-narration-20ms-late", "sigsat/production/chunked.py",
        'float(t + Fraction(b["audio_offset"])))',
        'float(t + Fraction(b["audio_offset"])) + 0.02)',
        ("tests/test_chunks_equal.py::test_narration_starts_with_each_beat_as_in_the_whole_render[saturation-low-3]",)),
    Mutation(
        "chunk-cues-2ms-late", "sigsat/production/chunked.py",
        "_delta(t), _delta(",
        "_delta(t + Fraction(2, 1000)), _delta(",
        ("tests/test_chunks_equal.py::test_same_subtitle_times[saturation-low-3]",)),
    Mutation(
        "chunk-clips-misnumbered", "sigsat/production/chunked.py",
        "video=f\"{b['index'] + 1:02d}_{b['name']}.mp4\")",
        "video=f\"{b['index']:02d}_{b['name']}.mp4\")",
        ("tests/test_chunks_equal.py::test_same_beats[saturation-low-3]",)),
    Mutation(
        "sweep-grid-drops-last-value", "sigsat/production/sweep.py",
        "    lists = [values for _, values in keys.values()]\n",
        "    lists = [values[:-1] or values for _, values in keys.values()]\n",
        ("tests/test_sweep_file.py::test_the_grid_is_every_combination_in_row_major_order",)),
    Mutation(
        "sweep-override-not-applied", "sigsat/production/sweep.py",
        "        nested.setdefault(table, {})[leaf] = value\n",
        "        nested.setdefault(table, {})\n",
        ("tests/test_sweep_file.py::test_hand_variants_keep_file_order_and_their_overrides_reach_the_params",)),
    Mutation(
        "sweep-duplicate-names-accepted", "sigsat/production/sweep.py",
        "        if variant.name in seen:\n",
        "        if False:\n",
        ("tests/test_sweep_file.py::test_duplicate_variant_names_are_refused[hand-twice]",)),
    Mutation(
        "sweep-gallery-marks-no-swept-parameter", "sigsat/production/sweep_gallery.py",
        "        shown = [(k, _value(v), True) for k, v in variant[\"swept_values\"].items()]\n",
        "        shown = [(k, _value(v), False) for k, v in variant[\"swept_values\"].items()]\n",
        ("tests/test_sweep_gallery.py::test_swept_parameters_are_marked_and_the_others_are_not",)),
    Mutation(
        "sweep-gallery-marks-every-parameter", "sigsat/production/sweep_gallery.py",
        "        shown += [(k, _value(v), False) for k, v in variant[\"overrides\"].items()\n",
        "        shown += [(k, _value(v), True) for k, v in variant[\"overrides\"].items()\n",
        ("tests/test_sweep_gallery.py::test_swept_parameters_are_marked_and_the_others_are_not",)),
    Mutation(
        "sweep-gallery-same-as-for-different-keys", "sigsat/production/sweep_gallery.py",
        "                cell[\"same_as\"] = first_with.get(cell[\"key\"])\n",
        "                cell[\"same_as\"] = next(iter(first_with.values()), None)\n",
        ("tests/test_sweep_gallery.py::test_same_as_appears_exactly_where_a_column_to_the_left_has_the_key",)),
    Mutation(
        "sweep-renders-every-variant", "sigsat/production/sweep_render.py",
        "            unit = (sid, the_plan.parts[sid].key)\n",
        "            unit = (sid, the_plan.parts[sid].key + variant.name)\n",
        ("tests/test_sweep_render.py::test_each_distinct_render_runs_once_and_lands_in_every_variant",)),
    Mutation(
        "sweep-lands-in-first-variant-only", "sigsat/production/pipeline.py",
        "    for home in homes[1:]:\n",
        "    for home in homes[1:1]:\n",
        ("tests/test_sweep_render.py::test_each_distinct_render_runs_once_and_lands_in_every_variant",)),
    Mutation(
        "sweep-ignores-earlier-variants", "sigsat/production/sweep_render.py",
        "        if holder is not None:\n",
        "        if False:\n",
        ("tests/test_sweep_render.py::test_a_second_sweep_renders_nothing_and_a_new_value_renders_only_what_reads_it",)),
    Mutation(
        "preview-accepts-any-origin", "sigsat/production/preview.py",
        'if method not in ("GET", "HEAD") and origin not in {f"http://{h}" for h in hosts}:',
        'if method not in ("GET", "HEAD") and origin is None:',
        ("tests/test_preview.py::test_refusal",)),
    Mutation(
        "preview-never-redraws-a-shown-scene", "sigsat/production/preview.py",
        "return [scene for scene, key in now.items() if shown.get(scene) != key]",
        "return [scene for scene, key in now.items() if scene not in shown]",
        ("tests/test_preview.py::test_a_parameter_change_affects_exactly_the_scenes_that_read_it",)),
    Mutation(
        "preview-serves-outside-the-folder", "sigsat/production/preview.py",
        "if not target.is_relative_to(base) or not target.is_file():",
        "if not target.is_file():",
        ("tests/test_preview.py::test_served_files_stay_under_the_root",)),
    Mutation(
        "preview-writes-before-validating", "sigsat/production/preview.py",
        "    params_mod.from_mapping(tomllib.loads(new), str(path))\n    atomic_write(path, new)\n",
        "    atomic_write(path, new)\n    params_mod.from_mapping(tomllib.loads(new), str(path))\n",
        ("tests/test_preview.py::test_a_refused_value_is_the_loaders_message_and_leaves_the_file_alone",)),
    Mutation(
        "preview-render-loses-its-tag", "sigsat/production/preview.py",
        "return super().submit(contextvars.copy_context().run, fn, *args, **kwargs)",
        "return super().submit(fn, *args, **kwargs)",
        ("tests/test_preview.py::test_a_render_started_by_the_preview_carries_its_tag_into_the_pools_threads",)),
    Mutation(
        "stills-without-captions", "scenes/common.py",
        "        stage.scene.add(new)\n",
        "        pass\n",
        ("tests/test_preview_stills.py::test_each_still_is_the_last_frame_of_its_beat_in_a_real_render",)),
    Mutation(
        'numbers-stay-english', 'sigsat/lesson/display.py',
        '    if locale == "en" or match is None:',
        '    if True:',
        ('tests/test_languages.py::test_a_number_keeps_its_digits_and_takes_the_locales_signs',)),
    Mutation(
        'tex-comma-unbraced', 'sigsat/lesson/display.py',
        'text = text.replace(",", "{,}")',
        'text = text',
        ('tests/test_languages.py::test_a_number_keeps_its_digits_and_takes_the_locales_signs',)),
    Mutation(
        'key-ignores-translations', 'sigsat/production/keys.py',
        '        if self.translations:  # English',
        '        if False:  # English',
        ('tests/test_languages.py::test_a_changed_german_line_rekeys_only_the_german_scenes_that_use_it',)),
    Mutation(
        'spanish-drops-minus', 'sigsat/lesson/narration.py',
        '               over="entre", say_minus="yes"),',
        '               over="entre"),',
        ('tests/test_languages.py::test_symbols_are_written_out_the_way_each_language_says_them',)),
    Mutation(
        'language-shares-english-folder', 'sigsat/production/pipeline.py',
        '    return folder if language == "en" else folder / language',
        '    return folder',
        ('tests/test_languages.py::test_a_language_gets_its_own_folder_and_english_keeps_its_own',)),
    Mutation(
        'caption-grows-rows', 'scenes/common.py',
        '    while len(rows) > LAYOUT.caption_lines and',
        '    while False and',
        ('tests/test_languages.py::test_a_long_caption_stays_in_two_rows_and_english_wraps_as_before',)),
    Mutation(
        'festival-speaks-german', 'sigsat/lesson/params.py',
        '    if n.mode == "festival" and n.language != "en":',
        '    if False:',
        ('tests/test_languages.py::test_an_unknown_language_and_festival_in_german_are_refused_in_one_line',)),
    Mutation(
        'player-has-own-track-only', 'sigsat/production/gallery.py',
        '    for code in sorted(i18n.languages(), key=lambda c: c != own):',
        '    for code in [own]:',
        ('tests/test_languages.py::test_the_gallery_finds_every_language_and_gives_each_player_every_subtitle_track',)),
    Mutation(
        'ticks-keep-the-point', 'scenes/common.py',
        '        if decimal != ".":\n            _write_decimal_sign',
        '        if False:\n            _write_decimal_sign',
        ('tests/test_languages.py::test_tick_labels_take_the_decimal_comma_and_english_keeps_its_point',)),
    Mutation(
        'relu-tex-raw-comma', 'scenes/relu.py',
        '        one, ratio, peak = (as_tex(r.shown[k]) for k in ("one", "ratio", "peak"))',
        '        one, ratio, peak = (r.shown[k] for k in ("one", "ratio", "peak"))',
        ('tests/test_languages.py::test_every_scene_plays_its_beats_inside_the_frame_in_every_language[relu-de-default]',)),
    Mutation(
        "skip-drops-the-identity", "sigsat/core/network.py",
        "upstream = upstream + through if self.residual[k] else through",
        "upstream = through",
        ("tests/test_network_family.py::test_backward_pass_matches_central_differences[skip-sigmoid]",
         "tests/test_lesson_residual.py::test_narrated_norms_are_the_measured_ones[default]")),
    Mutation(
        "gelu-prime-without-density", "sigsat/core/activations.py",
        "return _out(_normal_cdf(x) + _times(x, _normal_pdf(x)), z)",
        "return _out(_normal_cdf(x), z)",
        ("tests/test_activations_family.py::test_derivatives_match_the_complex_step_on_a_grid_with_extremes[gelu]",)),
    Mutation(
        "leaky-dies-like-relu", "sigsat/core/network.py",
        "dead = tuple(np.all(net.act_prime(z) == 0, axis=0) for z in pre)",
        "dead = tuple(np.all(z <= 0, axis=0) for z in pre)",
        ("tests/test_network_family.py::test_leaky_relu_has_no_dead_units_where_relu_has_some",)),
    Mutation(
        "tanh-threshold-not-halved", "sigsat/core/saturation.py",
        "return saturation_threshold(fraction) / 2.0",
        "return saturation_threshold(fraction)",
        ("tests/test_lesson_tanh.py::test_the_threshold_is_where_tanh_keeps_the_sigmoids_share_of_its_peak[default]",)),
    Mutation(
        "part-lecture-always-written", "sigsat/production/pipeline.py",
        "for part in lecture.complete_parts(specs) for f in lecture_files(part)]",
        "for part in lecture.parts() for f in lecture_files(part)]",
        ("tests/test_parts.py::test_a_render_writes_a_parts_lecture_only_with_all_its_scenes",)),
    Mutation(
        "second-lecture-entry-unchecked", "sigsat/production/manifest.py",
        'r"lecture\\d*"', 'r"lecture"',
        ("tests/test_parts.py::test_a_malformed_part_two_lecture_entry_is_refused",)),
    Mutation(
        "part-two-numbers-stay-english", "sigsat/lesson/scenes/tanh.py",
        "    shown = tr.numbers({", "    shown = ({",
        ("tests/test_languages.py::test_part_two_says_and_shows_the_english_numbers_in_german_form[tanh-default]",)),
    Mutation(
        "part-two-ticks-keep-the-point", "scenes/families.py",
        "x_length=PLOT_WIDTH, y_length=height, decimal=self.stage.tr.decimal)",
        "x_length=PLOT_WIDTH, y_length=height)",
        ("tests/test_languages.py::test_every_scene_plays_its_beats_inside_the_frame_in_every_language[families-de-default]",)),
    Mutation(
        "part-title-in-english", "sigsat/production/gallery.py",
        "title=tr(lecture.PART_TITLES[part])", "title=lecture.PART_TITLES[part]",
        ("tests/test_languages.py::test_the_gallery_titles_each_parts_lecture_in_its_folders_language",)),
    Mutation(
        "spanish-says-spaced-minus-in-english", "sigsat/lesson/narration.py",
        '(?<![\\w.,])[-−] ?(\\d)', '(?<![\\w.,])[-−](\\d)',
        ("tests/test_languages.py::test_the_voice_says_every_line_of_part_two_in_its_own_language",
         "tests/test_languages.py::test_symbols_are_written_out_the_way_each_language_says_them")),
    Mutation(
        "german-reads-a-fraction-as-two-numbers", "sigsat/lesson/narration.py",
        'minus="minus", over="durch"),', 'minus="minus"),',
        ("tests/test_languages.py::test_symbols_are_written_out_the_way_each_language_says_them",)),
)

#: Not copied: environments, caches, renders and version control (nothing a test reads).
_SKIP = shutil.ignore_patterns(".venv", ".git", "__pycache__", ".pytest_cache", ".hypothesis",
                               "*.egg-info", "renders", "media")

#: Runs pytest in the copy after checking that the copy's packages are the ones imported (the
#: editable install in .venv would otherwise test the real code and let every mutant survive).
_BOOT = """
import pathlib, sys
root = pathlib.Path.cwd().resolve()
import scenes, sigsat
for module in (sigsat, scenes):
    if root not in pathlib.Path(module.__file__).resolve().parents:
        sys.exit(f"mutants: {module.__name__} imported from {module.__file__}, not from {root}")
import pytest
sys.exit(pytest.main(["-q", "-x", "--tb=line", "-p", "no:cacheprovider", *sys.argv[1:]]))
"""

#: pytest's exit status when tests ran and some failed.
_TESTS_FAILED = 1


def apply(mutation: Mutation, root: Path) -> None:
    """Replace ``mutation.original`` in ``root``'s copy of its file; exactly one match or an error."""
    path = root / mutation.file
    text = path.read_text()
    count = text.count(mutation.original)
    if count != 1:
        raise LookupError(f"{mutation.name}: the original snippet occurs {count} times in "
                          f"{mutation.file}, not once; update tests/mutants.py")
    path.write_text(text.replace(mutation.original, mutation.replacement))


def run_tests(root: Path, node_ids: tuple[str, ...], timeout: float) -> tuple[int, str]:
    """pytest on ``node_ids`` inside ``root``: (exit status, its first failure and last line)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]))
    env.pop("SIGSAT_PARAMS", None)
    try:
        done = subprocess.run([sys.executable, "-c", _BOOT, *node_ids], cwd=root, env=env,
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return -1, f"timed out after {timeout:.0f} s"
    lines = (done.stdout + done.stderr).strip().splitlines() or [""]
    # With --tb=line pytest gives each failure as "file:line: Error: message": say why it was killed.
    failed = [line.strip() for line in lines if line.startswith(str(root))]
    return done.returncode, (failed[0][len(str(root)) + 1:][:200] + " | " if failed else "") + lines[-1]


def copy_repo(into: Path, mutation: Mutation | None = None) -> Path:
    root = into / "repo"
    shutil.copytree(ROOT, root, ignore=_SKIP)
    if mutation is not None:
        apply(mutation, root)
    return root


def verdict(mutation: Mutation, timeout: float) -> tuple[str, str]:
    """(status, detail) of one mutation: killed, SURVIVED, TODO or ERROR."""
    with tempfile.TemporaryDirectory(prefix=f"mutant-{mutation.name}-") as tmp:
        root = copy_repo(Path(tmp), mutation)   # applied even for TODO rows: the snippet must exist
        if not mutation.tests:
            return "TODO", "no killing test yet (see tests/MUTATIONS.md)"
        status, tail = run_tests(root, mutation.tests, timeout)
    if status == _TESTS_FAILED:
        return "killed", tail
    if status == 0:
        return "SURVIVED", tail
    return "ERROR", f"pytest exit status {status}: {tail}"


def baseline(mutations: list[Mutation], timeout: float) -> tuple[int, str]:
    """Every killing test on an unmutated copy: they must all pass for a kill to mean anything."""
    node_ids = tuple(dict.fromkeys(t for m in mutations for t in m.tests))
    if not node_ids:
        return 0, "no tests"
    with tempfile.TemporaryDirectory(prefix="mutant-baseline-") as tmp:
        return run_tests(copy_repo(Path(tmp)), node_ids, timeout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutants", description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="mutations to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutations and their tests")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip checking that the killing tests pass on the real code")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per pytest run")
    args = parser.parse_args(argv)
    known = {m.name: m for m in MUTATIONS}
    unknown = [n for n in args.names if n not in known]
    if unknown:
        print(f"mutants: unknown mutation(s) {', '.join(unknown)}; known: {', '.join(known)}",
              file=sys.stderr)
        return 2
    chosen = [known[n] for n in args.names] or list(MUTATIONS)
    if args.list:
        for m in chosen:
            print(f"{m.name}\t{m.file}\t{' '.join(m.tests) or 'TODO'}")
        return 0
    if not args.no_baseline:
        status, tail = baseline(chosen, args.timeout)
        if status != 0:
            print(f"mutants: the killing tests fail on the real code ({tail}); fix that first",
                  file=sys.stderr)
            return 2
    counts: dict[str, int] = {}
    for m in chosen:
        began = time.monotonic()
        try:
            status, detail = verdict(m, args.timeout)
        except LookupError as exc:
            status, detail = "ERROR", str(exc)
        counts[status] = counts.get(status, 0) + 1
        print(f"{status:<8} {m.name:<40} {time.monotonic() - began:6.1f} s  {detail}", flush=True)
    print("mutants: " + ", ".join(f"{counts.get(s, 0)} {s}" for s in ("killed", "SURVIVED", "TODO", "ERROR")))
    return 0 if counts.get("killed", 0) == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main())
