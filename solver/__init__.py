"""Pure optimisation: problem file <-> dataclasses, CP-SAT model, baseline, explanations."""
