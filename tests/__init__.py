"""ThumbDesk test suite."""
