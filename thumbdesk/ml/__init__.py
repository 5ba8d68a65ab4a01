"""The model layer: concept evidence and topic scores per frame (torch, imported lazily)."""
