"""The recommend engine: requirements, verdicts, ranking on the share/buy/build ladder.

Imports the catalogue, never the UI.
"""
