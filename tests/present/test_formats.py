"""How frames are written for a page or a notebook (present/formats.py)."""

from __future__ import annotations

import pandas as pd

from partner_analytics.present.formats import display_frame


def test_a_hidden_row_shows_neither_its_numbers_nor_the_classes_worked_out_from_them():
    frame = pd.DataFrame(
        {
            "name": ["Port authority", "Residents"],
            "power": [4.5, 1.5],
            "quadrant": ["manage_closely", "monitor"],
            "contested": [True, False],
            "suppressed": [False, True],
        }
    )
    shown = display_frame(frame, {"power": 1}, min_n=3, codes=["quadrant"])
    assert shown.to_dict("records") == [
        {"name": "Port authority", "power": "4.5", "quadrant": "Manage closely", "contested": True},
        {"name": "Residents", "power": "n < 3", "quadrant": "–", "contested": "–"},
    ]
