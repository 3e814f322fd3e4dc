"""`python -m recommender` runs the `sbb` command."""

from recommender.cli import main

main()
