"""Manim scenes of the sigsat lecture, one module per scene, shared builders in :mod:`scenes.common`."""
