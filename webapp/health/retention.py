"""The health area's records under the county's retention (webapp/retention.py).

A person's checks go; the daily reports stay as the period's counts, without their free-text note
(a teacher may have written a child's name in it).
"""
from ..retention import Retained, register
from .models import DailyReport, HealthCheck

register(Retained("health", HealthCheck))
register(Retained("health", DailyReport, blank=("note",)))
