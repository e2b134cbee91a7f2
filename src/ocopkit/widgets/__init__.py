"""Interactive tools for participants: thin ipywidgets layers over ``ocopkit`` logic."""

from .brands import BrandProtectionPlanner
from .business_plan import BusinessPlanBuilder
from .ideas import IdeaScoringMatrix
from .pricing import PricingCalculator
from .programme import OcopNationalFigures
from .self_assessment import OcopSelfAssessment
from .story import ProductStoryBuilder

__all__ = ["BrandProtectionPlanner", "BusinessPlanBuilder", "IdeaScoringMatrix", "OcopNationalFigures",
           "OcopSelfAssessment", "PricingCalculator", "ProductStoryBuilder"]
