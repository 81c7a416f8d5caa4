"""Run every benchmark in this folder, one after the other, printing their figures."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Each benchmark is a script of this folder (helper modules live in subfolders).
for script in sorted(HERE.glob("*.py")):
    if script.name == Path(__file__).name or script.name.startswith("_"):
        continue
    print(f"== {script.name} ==", flush=True)
    subprocess.run([sys.executable, str(script)], check=True)
