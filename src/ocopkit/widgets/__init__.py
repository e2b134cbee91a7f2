"""Interactive tools for participants: thin ipywidgets layers over ``ocopkit`` logic.

One tool per lesson that needs one. Every tool is a :class:`~ocopkit.widgets.base.Tool`:
it exposes ``.result`` for the notebook to read, shows bad input as a message
and keeps its last valid result. The tools made of number and text boxes
subclass :class:`~ocopkit.widgets.inputs.FormTool`.
"""

from .brands import BrandProtectionPlanner
from .business_plan import BusinessPlanBuilder
from .cbt import CbtReadinessCheck
from .digital import ChannelPlanner
from .dossier import DossierChecklist
from .ideas import IdeaScoringMatrix
from .postharvest import PostHarvestLossCalculator
from .pricing import PricingCalculator
from .programme import OcopNationalFigures
from .self_assessment import OcopSelfAssessment
from .story import ProductStoryBuilder
from .tourism_coop import TourismCoopCalculator

__all__ = [
    "BrandProtectionPlanner",
    "BusinessPlanBuilder",
    "CbtReadinessCheck",
    "ChannelPlanner",
    "DossierChecklist",
    "IdeaScoringMatrix",
    "OcopNationalFigures",
    "OcopSelfAssessment",
    "PostHarvestLossCalculator",
    "PricingCalculator",
    "ProductStoryBuilder",
    "TourismCoopCalculator",
]
