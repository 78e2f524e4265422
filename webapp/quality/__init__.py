"""Data-quality flags: patterns in the checks that a school or a township should look into."""
