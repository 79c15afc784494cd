"""kpi_engine: the product's brain. Pure Python; never imports streamlit, ui or pages."""

from __future__ import annotations

__version__ = "0.1.0"
