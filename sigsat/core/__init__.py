"""The math of the lesson: activations, saturation, the backprop chain, networks, the practice
problems. Pure numpy; returns numbers and imports nothing else of sigsat."""
