from . import fulfilment_audit_wizard
from . import fulfilment_loss_approval
from . import fulfilment_status_change
