"""Models of this area (to come)."""
