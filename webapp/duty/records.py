"""Field record kinds of this area, registered with the sync registry (to come)."""
