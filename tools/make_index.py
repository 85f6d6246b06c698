"""Regenerate notebooks/index.ipynb (the landing dashboard)."""

from pathlib import Path

from nbtool import write_notebook

ROOT = Path(__file__).resolve().parent.parent
write_notebook(
    ROOT / "notebooks" / "index.ipynb",
    [
        (
            "md",
            "# runback: lower back pain in runners\n\nAn interactive kit about why runners' lower backs hurt, and what helps.",
        ),
        (
            "code",
            "# The landing page: introduction, disclaimer and a card per dashboard (text from runback_widgets/content/ui.toml).\nfrom runback_widgets.ui.landing import landing\nlanding()",
        ),
        (
            "md",
            "**Using JupyterLab?** Open the notebooks from the file browser on the left; each dashboard's code cells are short, and the models can be used directly from Python (`from runback_widgets.loadsim import simulate_run`).",
        ),
    ],
)
