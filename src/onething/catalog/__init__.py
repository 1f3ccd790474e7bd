"""事项编制: the catalogue of service items and 一件事 packages, and the merged guide.

The pure core (entities, loading, conditions, guide) imports no framework; the
Django app (models, admin) persists catalogue versions.
"""

from pathlib import Path

DEMO_CATALOG = Path(__file__).parent / "demo" / "shanxi.yaml"
