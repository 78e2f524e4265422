"""The hierarchy, people, responsibility chains and accounts.

`bp` is the `org` blueprint of the office screens; the view modules (unit_views, people_views,
staff_views, account_views) register on it and take what they share from `routes`. The app
factory imports the view modules; nothing here imports them back.
"""
from flask import Blueprint

bp = Blueprint("org", __name__)
