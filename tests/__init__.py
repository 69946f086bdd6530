from . import test_audit
from . import test_notifications
from . import test_portal
from . import test_status_change_wizard
from . import test_status_engine
from . import test_picking_scanner
from . import test_picker_access
from . import test_picking_scanner_tour
