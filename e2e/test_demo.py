"""make e2e for dist/demo/: every step of steps.py, in order (nginx in the web pod, KEDA-scaled workers)."""

from .steps import *  # the steps, collected here for this environment

ENVIRONMENT = "demo"
