"""A helper package."""
