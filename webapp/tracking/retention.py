"""The tracking area's records under the county's retention (webapp/retention.py).

Screenings (with their trips), status changes, isolations (with their changes and follow-ups) and
the illness and support follow-ups of the period all go: each names a person.
"""
from ..retention import Retained, register
from .models import (FollowUp, IllnessFollowUp, Isolation, IsolationChange, Screening, ScreeningTrip, StatusChange,
                     SupportFollowUp)

register(Retained("tracking", Screening, children=((ScreeningTrip, ScreeningTrip.screening_id),)))
register(Retained("tracking", StatusChange))
register(Retained("tracking", Isolation, children=((IsolationChange, IsolationChange.isolation_id),
                                                   (FollowUp, FollowUp.isolation_id))))
for model in (IsolationChange, FollowUp, IllnessFollowUp, SupportFollowUp):
    register(Retained("tracking", model))
