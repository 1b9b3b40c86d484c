"""Test set-up: headless widgets, inline figures in kernels, Agg in-process."""
import os
import sys
from pathlib import Path

import matplotlib

os.environ["CVWORK_HEADLESS"] = "1"  # inherited by nbval / papermill kernels
os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
