"""The school's other ledgers (台账) the county inspects, one sub-package each: `supplies` (物资台账), `disinfection` (消毒台账), `reopening` (开学预案), `online` (停课不停学), `training` (培训), `school_duty` (值班值守, on the roster core of webapp/duty) …

Each is kept from the phones (its record kinds go through the one outbox and push, declared in
its `records.py`) and from the office (the office forms send the same records through the same
engine: `common.submit`), each is read through the scoping helpers, and each exports the sheet
it is filed as.
"""


def register_blueprints(app) -> None:
    """Each ledger's office screens."""
    from .disinfection.routes import bp as disinfection_bp
    from .online.routes import bp as online_bp
    from .reopening.routes import bp as reopening_bp
    from .school_duty.routes import bp as school_duty_bp
    from .supplies.routes import bp as supplies_bp
    from .training.routes import bp as training_bp

    for blueprint in (supplies_bp, disinfection_bp, reopening_bp, online_bp, training_bp, school_duty_bp):
        app.register_blueprint(blueprint)
