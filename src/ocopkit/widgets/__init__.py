"""Interactive tools for participants: thin ipywidgets layers over ``ocopkit`` logic."""

from .self_assessment import OcopSelfAssessment

__all__ = ["OcopSelfAssessment"]
