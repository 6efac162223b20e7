"""sigsat: the math, parameters and narration of the sigmoid-saturation lesson (no manim here)."""
