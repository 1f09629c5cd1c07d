"""Domain constants shared by the whole model: sectors and their typical unit prices."""

from __future__ import annotations

import numpy as np

SECTORS = ("food", "fashion", "craft", "retail", "services")
CRAFT = SECTORS.index("craft")

SECTOR_PRICE_IDR = np.array([15_000, 120_000, 250_000, 30_000, 50_000], dtype=float)
"""Typical sale price per unit by sector (food portion, garment, metal craft piece, retail basket,
service job), Rp; an assumption that only sets the unit of quantity (results are in rupiah)."""

SIZE_CLASSES = ("micro", "small", "medium")
DIGITAL_LEVELS = ("offline", "messaging", "marketplace")
