from . import fulfilment_audit_wizard
from . import fulfilment_batch_result
from . import fulfilment_delivery_split
from . import fulfilment_loss_approval
from . import fulfilment_manual_tracking
from . import fulfilment_rma_wizard
from . import fulfilment_status_change
from . import stock_return_picking_line
