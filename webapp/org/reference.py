"""Reference data of the hierarchy that the phones pull (to come)."""
