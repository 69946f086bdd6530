from . import fulfilment_audit_wizard
from . import fulfilment_rma_wizard
from . import fulfilment_status_change
