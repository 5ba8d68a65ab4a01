"""Bundled model weights with their manifest (see MANIFEST.json and README.md here)."""
