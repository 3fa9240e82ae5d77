"""Recommendations: the curated solution and training catalogue (pure Python, no web imports)."""

from recommendations.catalogue import (
    Catalogue,
    CatalogueError,
    ListingReason,
    ListingStatus,
    Problem,
    Requirement,
    RequirementCatalogue,
    RequirementStatus,
    Review,
    Solution,
    Text,
    Training,
    default_content_dir,
    fits,
    listing_status,
    load_catalogue,
)

__all__ = [
    "Catalogue",
    "CatalogueError",
    "ListingReason",
    "ListingStatus",
    "Problem",
    "Requirement",
    "RequirementCatalogue",
    "RequirementStatus",
    "Review",
    "Solution",
    "Text",
    "Training",
    "default_content_dir",
    "fits",
    "listing_status",
    "load_catalogue",
]
