"""Exit codes of `sbb`, documented in the README."""

OK = 0  # share or buy options found (or a catalogue command succeeded)
PROBLEMS = 1  # a catalogue check found problems (validate, lint --strict)
BAD_INPUT = 2  # bad input: unreadable profile or catalogue, unknown flag value
ONLY_BUILD = 3  # no share or buy option meets the hard requirements: only build remains
INTERNAL = 70  # a bug in sbb (EX_SOFTWARE); the details are written to a crash report
