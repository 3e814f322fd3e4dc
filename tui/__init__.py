"""The Textual face of sharebuybuild: a guided walk from needs to a recommendation."""
