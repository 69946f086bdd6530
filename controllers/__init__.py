from . import courier_webhook
from . import picking_scanner
from . import portal
from . import warranty_portal
from . import warranty_verification
