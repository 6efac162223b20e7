"""Files and processes: the on-disk contract, render keys, the planner and jobs, media,
storyboards, gallery, decks, doctor. Imports :mod:`sigsat.core` and :mod:`sigsat.lesson`, never
the reverse."""
