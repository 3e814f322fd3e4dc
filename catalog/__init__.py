"""The catalogue: schema, loading and validation of tool entries. Knows nothing of the engine."""
