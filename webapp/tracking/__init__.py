"""Screening (摸排), risk areas, tracked people (重点人员), home isolation (居家隔离) with daily
follow-ups, illness and support follow-ups, and clearance to return (返校)."""
