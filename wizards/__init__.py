from . import fulfilment_audit_wizard
from . import fulfilment_status_change
from . import fulfilment_delivery_split
