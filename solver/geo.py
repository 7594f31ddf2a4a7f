"""Great-circle distance (SPEC section 4: haversine, R = 6371.0088 km): the definition for one
pair, and the travel rule for many homes against many sites at once, decided as the definition
decides it."""

from __future__ import annotations

import math

import numpy as np

EARTH_RADIUS_KM = 6371.0088
# numpy's sin, cos and arcsin may differ from the C library's (math's) in the last bits. That
# moves a distance by far less than a metre, even near the antipode where arcsin is steepest, so
# a pair this close to its limit is decided again by `haversine_km` and the arrays never
# disagree with the definition, even for a limit set to exactly the distance.
BORDERLINE_KM = 0.01


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def beyond(lat: np.ndarray, lon: np.ndarray, limit: np.ndarray, site_lat: np.ndarray,
           site_lon: np.ndarray) -> np.ndarray:
    """[i, j]: whether site j is farther than `limit[i]` km from home i (inf: no limit)."""
    p1, p2 = np.radians(lat)[:, None], np.radians(site_lat)[None, :]
    dp, dl = p2 - p1, np.radians(site_lon[None, :] - lon[:, None])
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    far = km > limit[:, None]
    for i, j in zip(*np.nonzero(np.abs(km - limit[:, None]) <= BORDERLINE_KM), strict=True):
        far[i, j] = haversine_km(lat[i], lon[i], site_lat[j], site_lon[j]) > limit[i]
    return far
