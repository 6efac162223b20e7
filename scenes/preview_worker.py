"""A warm manim process for the live preview: renders scenes' beat stills on request.

``python -m scenes.preview_worker`` imports manim and every scene module once (2-3 s), then reads
one JSON request per line on standard input and answers one JSON line on standard output per
request, until standard input ends::

    {"scene": "probe", "params": "/abs/params.toml", "folder": "/abs/stills", "media": "/abs/media"}
    {"scene": "probe", "ok": true, "seconds": 0.9, "formulas": 13, "formula_seconds": 0.7}
    or    {"scene": "probe", "ok": false, "error": "..."}

Before drawing, the scene's new formulas are typeset in one LaTeX run (:mod:`scenes.tex_batch`):
``formulas`` says how many, ``formula_seconds`` how long that took, finding them included.

The stills are those of :mod:`sigsat.lesson.stills`, written into ``folder``. A request names a
scene of the lecture, never a module or a file: anything else is refused. The preview cancels a
request by killing the process, so nothing here needs to be interruptible.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
import traceback


def _protocol_stream():
    """Standard output for answers only: manim's console prints to file descriptor 1, so that
    descriptor is pointed at standard error and answers go to a copy of the original."""
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    return answers


def render_stills(request: dict) -> dict:
    """Render one scene's stills as ``request`` asks; the answer to send back."""
    from manim import tempconfig

    from sigsat.lesson import lecture, params
    from sigsat.lesson.stills import STILLS_ENV

    spec = lecture.find_scene(request["scene"])   # a known scene or KeyError: never a name to import
    module = sys.modules.get(spec.module) or __import__(spec.module, fromlist=[spec.cls])
    from scenes.tex_batch import prepare

    started = time.perf_counter()
    # Both only for this request: the caller's environment is as it was afterwards.
    saved = {name: os.environ.get(name) for name in (params.PARAMS_ENV, STILLS_ENV)}
    os.environ[params.PARAMS_ENV] = request["params"]
    os.environ[STILLS_ENV] = request["folder"]
    scene_class = getattr(module, spec.cls)
    try:
        with tempconfig({"media_dir": request["media"], "quality": "low_quality", "format": "png",
                         "disable_caching": True, "progress_bar": "none", "verbosity": "WARNING",
                         "input_file": module.__file__}):
            formulas = prepare(scene_class, log=lambda message: print(message, file=sys.stderr))
            typeset = time.perf_counter()
            scene_class().render()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    done = time.perf_counter()
    return {"scene": spec.id, "ok": True, "seconds": round(done - started, 3), "formulas": formulas,
            "formula_seconds": round(typeset - started, 3)}


def main() -> int:
    # Ctrl-C in the terminal reaches the whole process group: the preview server decides when this
    # process ends (it kills it), and a traceback here would only clutter the terminal.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    answers = _protocol_stream()
    from sigsat.lesson import lecture

    for spec in lecture.SCENES:   # the import is the cost a warm worker saves
        try:
            __import__(spec.module)
        except Exception:  # a module being edited: its requests report the error, the others work
            traceback.print_exc()
    answers.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = render_stills(request)
        except Exception as exc:  # one scene's failure is reported; the worker stays warm
            traceback.print_exc()
            answer = {"scene": request.get("scene"), "ok": False,
                      "error": f"{type(exc).__name__}: {exc}".splitlines()[0]}
        answers.write(json.dumps(answer) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
