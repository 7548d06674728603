"""Foreign formats -> a Partnership: IATI activity results and Open SDG indicator data."""

from __future__ import annotations

from partner_analytics.importers.iati import import_iati, read_iati
from partner_analytics.importers.open_sdg import import_open_sdg, read_open_sdg

__all__ = ["import_iati", "import_open_sdg", "read_iati", "read_open_sdg"]
