from . import fulfilment_audit_wizard
from . import fulfilment_rma_wizard
from . import fulfilment_status_change
from . import stock_return_picking_line
