"""Conformance checkers run on written files: axe-core and the Nu HTML checker (more per format later)."""
