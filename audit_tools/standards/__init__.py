"""Practice standards: the catalogue (what is expected) and the engine (what the evidence says)."""

from audit_tools.standards.catalogue import Catalogue, Standard, load_catalogue, parse_catalogue
from audit_tools.standards.engine import StatusCounts, evaluate, evaluate_standard, status_counts, statuses

__all__ = ["Catalogue", "Standard", "StatusCounts", "evaluate", "evaluate_standard", "load_catalogue",
           "parse_catalogue", "status_counts", "statuses"]
