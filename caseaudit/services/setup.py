"""Setting a database up (`caseaudit init`): what is kept in it besides the first admin."""

from __future__ import annotations

from audit_tools.permissions import Op
from audit_tools.standards.catalogue import default_catalogue_text
from caseaudit.services import access
from db.store import Store


def keep_default_catalogue(store: Store) -> bool:
    """Store the default standards catalogue when the database keeps none yet, so audits
    scored against it can be told from later versions; only for someone the policy lets
    manage the catalogue (nothing happens otherwise). Whether it was stored."""
    if store.reference.catalogues() or not access.may(store, Op.manage_standards):
        return False
    store.reference.store_catalogue(default_catalogue_text(), where="default catalogue")
    return True
