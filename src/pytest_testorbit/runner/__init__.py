"""Running steps: HTTP, checks, extraction. Knows nothing of pytest.

``GroupRun`` holds one group instance's state (its variables and its HTTP session);
``run_step`` runs one step against it and raises ``StepFailed`` with a report a person can
read, or ``StepSkipped`` for a ``skip_if`` that held.
"""

from .context import GroupRun
from .step import StepRun, StepSkipped, run_step

__all__ = ["GroupRun", "StepRun", "StepSkipped", "run_step"]
