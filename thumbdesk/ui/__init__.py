"""The desktop window (PySide6 + superqt) over the headless pipeline."""
