"""``/api/schedules``: the schedules of ``orbit schedule``, in JSON (filled in below)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/schedules", tags=["schedules"])
