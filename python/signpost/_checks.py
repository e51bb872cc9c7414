"""Argument checks shared by the package's entry points: a wrong type is a
TypeError and a value out of range a ValueError, each naming the argument."""

from __future__ import annotations

from typing import Any, Optional


def _whole(name: str, value: Any, low: int = 0, high: int = 2**64 - 1) -> Optional[int]:
    """An optional whole number in ``[low, high]``: TypeError for another
    type, ValueError outside the range."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name}: must be a whole number (int), found {type(value).__name__} {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name}: must be a whole number from {low} to {high}, found {value}")
    return value


def _real(name: str, value: Any) -> Optional[float]:
    """An optional real number: TypeError for another type."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name}: must be a number, found {type(value).__name__} {value!r}")
    return float(value)
