"""Every ledger's models, so that Alembic and create_all see them (webapp/__init__.py imports this)."""
from .disinfection import models as _disinfection  # noqa: F401
from .online import models as _online  # noqa: F401
from .reopening import models as _reopening  # noqa: F401
from .supplies import models as _supplies  # noqa: F401
from .training import models as _training  # noqa: F401
