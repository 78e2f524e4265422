"""Every ledger's record kinds and reference collections (webapp/__init__.py imports this)."""
from .disinfection import records as _disinfection  # noqa: F401
from .online import records as _online  # noqa: F401
from .online import reference as _online_reference  # noqa: F401  (the classes' days the phones pull)
from .reopening import records as _reopening  # noqa: F401
from .supplies import records as _supplies  # noqa: F401
from .training import records as _training  # noqa: F401
