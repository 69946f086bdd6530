from . import courier_webhook
from . import picking_scanner
from . import portal
