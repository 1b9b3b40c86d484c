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


import pytest  # noqa: E402


@pytest.fixture(scope="session")
def spark():
    """One local Spark session (``local[2]``) for the whole test process; skipped without Java."""
    import shutil

    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Java 不在本机 (no Java here): .ci/run installs openjdk-17-jre-headless")
    from cvwork.frames import local_spark

    session = local_spark()
    yield session
    session.stop()
