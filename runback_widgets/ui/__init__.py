"""Shared interface pieces: theme (palette, plotly template, presenter mode) and
small widgets every dashboard uses (disclaimer, claim and note boxes, error panel)."""
