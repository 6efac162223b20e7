"""The lecture in other languages: complete catalogs, numbers in each locale's form on screen, in TeX
and in speech, render keys that follow a catalog's lines, and every scene inside the frame in every
language; one slow test renders a scene in German and reads its files back."""

from __future__ import annotations

import re
import shutil
import string
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import srt
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.numbers import parse_decimal
from hypothesis import given, settings, strategies as st

from sigsat.core.activations import sigmoid, sigmoid_prime
from sigsat.lesson import display, i18n, lecture, narration, params as params_mod
from sigsat.lesson.params import Params
from sigsat.production import gallery, keys, media, pipeline
from tests.conftest import PARAMS_DIR
from tests.scene_tools import dry_run

ROOT = Path(__file__).resolve().parents[1]
OTHERS = i18n.languages()[1:]


def in_language(code: str, base: Params | None = None) -> Params:
    base = base or Params()
    return params_mod.replace(base, narration=params_mod.replace(base.narration, language=code))


def fields(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)


def marked_messages() -> set[str]:
    """Every string the sources mark for translation, found as `make catalogs` finds them."""
    method_map = [("sigsat/**.py", "python"), ("scenes/**.py", "python")]
    keywords = {k: None for k in i18n.KEYWORDS}
    return {m[2] for m in extract_from_dir(str(ROOT), method_map, keywords=keywords) if isinstance(m[2], str)}


# Catalogs ------------------------------------------------------------------------------------

def test_german_and_spanish_are_shipped_beside_english():
    assert i18n.languages() == ("en", "de", "es")
    assert params_mod.choices("narration.language") == ("en", "de", "es")


@pytest.mark.parametrize("code", OTHERS)
def test_every_marked_message_has_a_translation_with_the_same_placeholders(code):
    with open(ROOT / "sigsat" / "locale" / code / "LC_MESSAGES" / "sigsat.po", "rb") as f:
        catalog = {m.id: m for m in read_po(f) if m.id}
    marked = marked_messages()
    assert len(marked) > 100, "the extraction finds the lecture's strings"
    missing = sorted(m for m in marked if m not in catalog or not catalog[m].string)
    assert not missing, f"{code}: no translation of {missing[:3]} (run make catalogs, then translate)"
    fuzzy = sorted(m for m in marked if catalog[m].fuzzy)
    assert not fuzzy, f"{code}: fuzzy entries {fuzzy[:3]}"
    wrong = [(m, catalog[m].string) for m in marked if fields(m) != fields(catalog[m].string)]
    assert not wrong, f"{code}: placeholders differ: {wrong[:2]}"


@pytest.mark.parametrize("code", OTHERS)
def test_every_line_title_and_label_of_the_lecture_is_translated(code):
    """No English left: each scene's lines and title differ from the English ones."""
    english, other = Params(), in_language(code)
    for spec in lecture.SCENES:
        assert lecture.scene_title(spec, other) != lecture.scene_title(spec, english)
        for beat, line in lecture.scene_lines(spec, other).items():
            assert line != lecture.scene_lines(spec, english)[beat], f"{spec.id}/{beat} in English"


# Numbers -------------------------------------------------------------------------------------

# Shown values of the math (slopes, outputs, shares), as the lesson formats them in English.
shown_numbers = st.floats(-30, 30).flatmap(lambda z: st.sampled_from([
    display.fmt(float(sigmoid_prime(z))), display.fmt(float(sigmoid(z)), display.OUTPUT_SIG),
    display.fmt(-float(sigmoid_prime(z))), display.fmt_param(round(z, 3))]))


@settings(max_examples=60, deadline=None)
@given(text=shown_numbers, code=st.sampled_from(OTHERS))
def test_a_number_keeps_its_digits_and_takes_the_locales_signs(text, code):
    shown = display.localize(text, code)
    if "×10" in text:  # a power of ten keeps its exponent; the mantissa is a number like any other
        text, shown = text.split("×10")[0], shown.split("×10")[0]
    assert "." not in shown and shown.count(",") == text.count(".")
    assert parse_decimal(shown, locale=code, strict=True) == Decimal(text), "Babel reads back the value"
    tex = display.as_tex(shown)
    assert tex.replace("{,}", "") == tex.replace("{,}", "").replace(",", ""), "every comma braced for TeX"


@settings(max_examples=40, deadline=None)
@given(share=st.floats(1e-4, 1.0), code=st.sampled_from(OTHERS))
def test_a_percentage_has_a_decimal_comma_and_a_no_break_space(share, code):
    english = display.fmt_percent(share)
    shown = display.localize(english, code)
    number, sign = shown.rsplit("\xa0", 1)
    assert sign == "%" and parse_decimal(number, locale=code) == Decimal(english[:-1])
    assert display.as_tex(shown).endswith(r"\,\%")


def test_the_lesson_shows_german_and_spanish_numbers_where_english_has_its_own():
    for code in OTHERS:
        lines = lecture.scene_lines(lecture.find_scene("probe"), in_language(code))
        text = " ".join(lines.values())
        assert "0,9933" in text and "0,00669" in text and "2,7\xa0%" in text
        assert "0.9933" not in text and "2.7%" not in text
    derivative = lecture.find_scene("derivative").lesson.build(in_language("de"))
    assert derivative.algebra[-1] == "= 0{,}25" and derivative.title == "Die Steigung ist maximal 0,25"


def number_tokens(text: str, point: str) -> list[str]:
    """The numbers written in ``text`` with decimal sign ``point``, each with its sign and a
    following percent sign, in English form (a hand-made oracle, not display.localize)."""
    found = re.findall(rf"[-−]?\d+(?:{re.escape(point)}\d+)?(?:\xa0?%)?", text)
    return sorted(t.replace(point, ".").replace("\xa0", "") for t in found)


def shown_texts(lesson) -> dict[str, str]:
    """Every text a lesson narrates or puts on screen (its MathTex numbers: ``shown``), by a name."""
    texts = {}
    for field in ("lines", "shown", "screen", "bullets", "details"):
        texts |= {f"{field}.{k}": v for k, v in getattr(lesson, field, {}).items()}
    return texts


@pytest.mark.parametrize("param_file", [None, PARAMS_DIR / "alt2.toml"], ids=["default", "alt2"])
@pytest.mark.parametrize("scene_id", [s.id for s in lecture.part_scenes(2)])
def test_part_two_says_and_shows_the_english_numbers_in_german_form(scene_id, param_file):
    """Each line and label of part two holds, in German, the numbers of its English one, digit for
    digit, with a decimal comma and a no-break space before %, and no decimal point left."""
    base = params_mod.load(param_file) if param_file else Params()
    spec = lecture.find_scene(scene_id)
    english = shown_texts(spec.lesson.build(base))
    german = shown_texts(spec.lesson.build(in_language("de", base)))
    assert german.keys() == english.keys()
    for name, text in german.items():
        assert not re.search(r"\d\.\d", text) and not re.search(r"\d%", text), f"{name}: {text!r}"
        assert number_tokens(text, ",") == number_tokens(english[name], "."), f"{scene_id} {name}: {text!r}"
    assert any("," in t for t in german.values()), "some number with decimals to check"


@pytest.mark.parametrize("code", OTHERS)
def test_no_two_numbers_are_listed_so_that_they_read_as_one_decimal(code):
    """With a decimal comma, "auf 3, 2-mal so weit" reads as 3,2: a translation must not put two
    numbers side by side with only a comma between them (N(0, 1) is a name)."""
    for param_file in (None, PARAMS_DIR / "alt1.toml", PARAMS_DIR / "alt2.toml"):
        params = in_language(code, params_mod.load(param_file) if param_file else Params())
        for spec in lecture.SCENES:
            for name, text in shown_texts(spec.lesson.build(params)).items():
                clash = re.search(r"\d(?:\xa0%)?, [-−]?\d", text.replace("N(0, 1)", "N"))
                assert not clash, f"{spec.id} {name} in {code}: ...{text[max(clash.start() - 30, 0):clash.end() + 10]}"


SPOKEN = [
    ("de", "4,5×10⁻⁷", "4,5 mal zehn hoch minus 7"),
    ("de", "0,2⁵ = 0,00032", "0,2 hoch 5 gleich 0,00032"),
    ("de", "σ′(0) ist |z| ≤ 3", "Sigma Strich(0) ist der Betrag von z höchstens 3"),
    ("es", "4,5×10⁻⁷", "4,5 por diez elevado a menos 7"),
    ("es", "z = -0,5 y σ(z)", "z = menos 0,5 y sigma(z)"),
    ("es", "1,5× más", "1,5 veces más"),
    ("en", "z = -0.5, 0.2⁵", "z = -0.5, 0.2 to the power 5"),
    ("de", "Varianz 2/32", "Varianz 2 durch 32"),
    ("es", "varianza 1/32 y 2σ(2z) − 1", "varianza 1 entre 32 y 2sigma(2z) menos 1"),
    ("en", "variance 1/32, 2σ(2z) − 1", "variance 1/32, 2sigma(2z) − 1"),
]


@pytest.mark.parametrize("code, written, said", SPOKEN)
def test_symbols_are_written_out_the_way_each_language_says_them(code, written, said):
    assert narration.spoken(written, code) == said


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")
@pytest.mark.parametrize("code, comma, point", [("de", r"kOmA", r"pUnkt"), ("es", r"k,?oma", r"p'?unto")])
def test_the_voice_reads_a_decimal_comma_as_a_speaker_does(code, comma, point):
    """What the voice is given, read by espeak-ng itself (its phonemes): "Komma"/"coma", never a
    "Punkt"/"punto", and the power of ten is said."""
    line = lecture.scene_lines(lecture.find_scene("measured"), in_language(code))["compare_first_and_last"]
    said = narration.voiced_text(line, code)
    phonemes = subprocess.run(["espeak-ng", "-q", "-x", "-v", narration.espeak_voice(in_language(code).narration),
                               said], capture_output=True, text=True, check=True).stdout
    assert re.search(comma, phonemes) and not re.search(point, phonemes)
    assert "×" not in said and "⁻" not in said


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")
@pytest.mark.parametrize("code", OTHERS)
def test_the_voice_says_every_line_of_part_two_in_its_own_language(code):
    """espeak-ng's phonemes of each part-two line hold no switch to English (it marks one "(en)"),
    as a spaced "−" made the Spanish voice say "minus"."""
    voice = narration.espeak_voice(in_language(code).narration)
    for spec in lecture.part_scenes(2):
        for beat, line in lecture.scene_lines(spec, in_language(code)).items():
            phonemes = subprocess.run(["espeak-ng", "-q", "-x", "-v", voice, narration.voiced_text(line, code)],
                                      capture_output=True, text=True, check=True).stdout
            assert "(en)" not in phonemes, f"{spec.id}/{beat} in {code}: {phonemes!r}"


# Parameters, outputs, keys --------------------------------------------------------------------

def test_a_language_gets_its_own_folder_and_english_keeps_its_own(tmp_path):
    options = pipeline.Options(out=tmp_path)
    assert pipeline.output_dir(options, pipeline.with_overrides(Params(), options)) == tmp_path / "low" / "dark"
    german = pipeline.Options(out=tmp_path, lang="de")
    assert pipeline.output_dir(german, pipeline.with_overrides(Params(), german)) == tmp_path / "low" / "dark" / "de"


def test_an_unknown_language_and_festival_in_german_are_refused_in_one_line(tmp_path):
    with pytest.raises(params_mod.ParamError, match=r'\[narration\] language = "fr".*"en", "de", "es"'):
        params_mod.from_mapping({"narration": {"language": "fr"}}, "f.toml")
    with pytest.raises(params_mod.ParamError, match=r'f.toml: \[narration\] mode = "festival" speaks English only'):
        params_mod.from_mapping({"narration": {"mode": "festival", "language": "de"}}, "f.toml")
    done = subprocess.run([sys.executable, "-m", "sigsat.cli", "render", "--lang", "de", "--narration",
                           "festival", "--out", str(tmp_path / "r")], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert done.stderr.startswith("sigsat: ") and "festival" in done.stderr and "English only" in done.stderr
    assert not (tmp_path / "r").exists()


@pytest.fixture
def catalogs(tmp_path, monkeypatch):
    """A copy of the shipped catalogs that a test may edit."""
    copy = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, copy)
    monkeypatch.setattr(i18n, "LOCALE_DIR", copy)
    return copy


def retranslate(folder: Path, code: str, message: str, translation: str) -> None:
    from babel.messages.pofile import write_po

    path = folder / code / "LC_MESSAGES" / "sigsat.po"
    with open(path, "rb") as f:
        po = read_po(f, locale=code)
    po[message].string = translation
    with open(path, "wb") as f:
        write_po(f, po)


def all_keys(params: Params) -> dict[str, str]:
    return {s.id: keys.scene_key(s, params, pipeline.Options()) for s in lecture.SCENES}


@pytest.mark.parametrize("message, users", [("saturated", {"saturation", "tanh"}),
                                            ("{first} at layer 1", {"chain"}),
                                            ("the sigmoid's best: {peak}", {"relu"}),
                                            # the scene kit's strings are in every scene's sources
                                            ("moves {percent}", {s.id for s in lecture.SCENES}),
                                            ("Key takeaways", {"takeaways"})])
def test_a_changed_german_line_rekeys_only_the_german_scenes_that_use_it(message, users, catalogs):
    german, english = in_language("de"), Params()
    before_de, before_en, before_es = all_keys(german), all_keys(english), all_keys(in_language("es"))
    retranslate(catalogs, "de", message, "geändert")
    after_de = all_keys(german)
    assert {s for s in after_de if after_de[s] != before_de[s]} == users
    assert all_keys(english) == before_en and all_keys(in_language("es")) == before_es


def test_each_language_has_its_own_key():
    by_language = [all_keys(in_language(code)) for code in i18n.languages()]
    for spec in lecture.SCENES:
        assert len({k[spec.id] for k in by_language}) == len(by_language)


def test_the_gallery_finds_every_language_and_gives_each_player_every_subtitle_track(tmp_path):
    for folder in (tmp_path / "low" / "dark", tmp_path / "low" / "dark" / "de", tmp_path / "low" / "dark" / "es"):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "manifest.json").write_text('{"scenes": {}}')
    (tmp_path / "low" / "dark" / "01_saturation.vtt").write_text("WEBVTT\n")
    (tmp_path / "low" / "dark" / "de" / "01_saturation.vtt").write_text("WEBVTT\n")
    assert [p.relative_to(tmp_path).as_posix() for p in gallery.render_folders(tmp_path)] == \
        ["low/dark", "low/dark/de", "low/dark/es"]
    tracks = gallery._tracks(tmp_path / "low" / "dark" / "de", "01_saturation")
    assert [(t["lang"], t["label"], t["default"]) for t in tracks] == [("de", "Deutsch", True), ("en", "English", False)]
    page = gallery.write_gallery(tmp_path).read_text()
    assert 'data-lang="de"' in page and 'data-lang="es"' in page and 'lang="es"' in page
    assert all(f'<h3>{word}</h3>' in page for word in ('Scenes', 'Szenen', 'Escenas')), "headings in each language"


@pytest.mark.parametrize("code", OTHERS)
def test_the_gallery_titles_each_parts_lecture_in_its_folders_language(tmp_path, code):
    from sigsat.production import manifest as manifest_mod
    from sigsat.production.naming import lecture_files

    folder = tmp_path / "low" / "dark" / code
    folder.mkdir(parents=True)
    data = {"scenes": {}}
    for part in lecture.parts():
        for name in lecture_files(part):
            (folder / name).write_bytes(b"x")
        data[lecture_files(part)[0].removesuffix(".mp4")] = {"key": "k", "files": list(lecture_files(part)),
                                                              "parts": []}
    manifest_mod.write(folder, data)
    page = gallery.write_gallery(tmp_path).read_text()
    table = i18n.catalog(code)
    for part in lecture.parts():
        heading = table["The whole lecture, part {part}: {title}"]
        title = heading.format(part=part, title=table[lecture.PART_TITLES[part]])
        assert title in page, f"{code}: no {title!r}"
        assert lecture.PART_TITLES[part] not in page, "the English part title"


# Scenes -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def shared_media(tmp_path_factory):
    """One media folder for the dry runs below: German and Spanish share their formulas' TeX."""
    return tmp_path_factory.mktemp("media")


#: Every scene of both parts in German (its lines and labels are the longest) under the defaults,
#: the scenes with the most words on screen in Spanish (part two's: what_to_use), and, in German,
#: the scenes whose words change most with the parameters under the set whose lines are longest
#: (tests/params/alt2.toml). A dry run costs about ten seconds: this is the test budget's choice.
DRY_RUNS = [(s, "de", None) for s in lecture.SCENES] + \
           [(lecture.find_scene(s), "es", None) for s in ("probe", "measured", "relu", "takeaways", "what_to_use")] + \
           [(lecture.find_scene(s), "de", PARAMS_DIR / "alt2.toml") for s in ("chain", "measured", "relu")]


@pytest.mark.parametrize("spec, code, param_file", DRY_RUNS,
                         ids=[f"{s.id}-{c}-{'alt2' if f else 'default'}" for s, c, f in DRY_RUNS])
def test_every_scene_plays_its_beats_inside_the_frame_in_every_language(spec, code, param_file, tmp_path,
                                                                         shared_media, monkeypatch):
    text = param_file.read_text() if param_file else ""
    file = tmp_path / "p.toml"
    file.write_text(f'{text}\n[narration]\nlanguage = "{code}"\nmode = "none"\n')
    monkeypatch.setenv(params_mod.PARAMS_ENV, str(file))
    monkeypatch.chdir(shared_media)
    params = params_mod.load()
    from manim import MathTex

    typeset, made = [], MathTex.__init__

    def recording(self, *tex_strings, **kwargs):
        typeset.extend(tex_strings)
        made(self, *tex_strings, **kwargs)

    monkeypatch.setattr(MathTex, "__init__", recording)
    from manim import NumberLine

    numbered, add_numbers = [], NumberLine.add_numbers

    def numbering(self, *args, **kwargs):
        numbered.append(self)
        return add_numbers(self, *args, **kwargs)

    monkeypatch.setattr(NumberLine, "add_numbers", numbering)
    run = dry_run(spec, frames=False)  # positions, not pixels: nothing needs drawing
    assert run.sections == list(spec.beats)
    assert run.subtitles == list(spec.lesson.build(params).lines.values())
    assert not run.offscreen, f"left the frame: {run.offscreen}"
    unbraced = [t for t in typeset if re.search(r"\d,\d", t)]
    assert not unbraced, f"a decimal comma TeX would space: {unbraced[:2]}"
    points = [line.numbers for line in numbered for number in line.numbers for glyph in number.submobjects
              if getattr(glyph, "tex_string", None) == "."]
    assert not points, "a tick label with a decimal point (make_axes' decimal=self.stage.tr.decimal)"


@pytest.mark.slow
def test_a_scene_rendered_in_german_has_german_subtitles_and_a_soundtrack_as_long_as_it(tmp_path):
    spec = lecture.find_scene("saturation")
    done = subprocess.run([sys.executable, "-m", "sigsat.cli", "render", "saturation", "--lang", "de",
                           "--out", str(tmp_path / "renders"), "--jobs", "1"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    out = tmp_path / "renders" / "low" / "dark" / "de"
    cues = list(srt.parse((out / "01_saturation.srt").read_text()))
    assert [c.content for c in cues] == list(lecture.scene_lines(spec, in_language("de")).values())
    assert "0,0066" in cues[2].content and "2,7\xa0%" in cues[3].content
    info = media.probe(out / "01_saturation.mp4")
    assert info.has_audio and info.audio_duration == pytest.approx(info.duration, abs=0.25)
    assert cues[-1].end.total_seconds() == pytest.approx(info.duration, abs=2 / 15)
    assert not (tmp_path / "renders" / "low" / "dark" / "01_saturation.mp4").exists(), "English untouched"


def test_a_long_caption_stays_in_two_rows_and_english_wraps_as_before():
    import textwrap

    from scenes.common import LAYOUT, _caption_lines

    for code in i18n.languages():
        for spec in lecture.SCENES:
            for line in lecture.scene_lines(spec, in_language(code)).values():
                rows = _caption_lines(line)
                assert len(rows) <= LAYOUT.caption_lines, f"{spec.id} in {code}: {len(rows)} rows"
                # rows break at spaces or after a hyphen ("Sigmoid-|Schichten"): only spaces go
                assert "".join(rows).replace(" ", "") == line.replace(" ", ""), "nothing lost"
                if code == "en":
                    assert rows == textwrap.wrap(line, LAYOUT.caption_chars), "English captions unchanged"


def test_tick_labels_take_the_decimal_comma_and_english_keeps_its_point(tmp_path, monkeypatch):
    from manim import MathTex

    from scenes.common import Look, make_axes
    from sigsat.lesson.theme import palette

    monkeypatch.chdir(tmp_path)  # manim's TeX cache

    def ticks(decimal: str) -> list[str]:
        axes = make_axes(Look(palette("dark")), (-1, 1, 0.5), (0, 1, 0.5), 4, 2, decimal=decimal)[0]
        return ["".join(m.tex_string for m in number.submobjects if isinstance(m, MathTex))
                for number in axes.y_axis.numbers]

    assert ticks(",") == ["0,5", "1,0"] and ticks(".") == ["0.5", "1.0"]
