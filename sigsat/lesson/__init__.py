"""The lesson's content without I/O: parameters, display formatting, narration text, theme, the
scene registry and one module per scene (:mod:`sigsat.lesson.scenes`). Imports only
:mod:`sigsat.core`."""
