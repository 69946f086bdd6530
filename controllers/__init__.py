from . import courier_webhook
from . import picking_scanner
from . import portal
from . import warranty_portal
from . import warranty_verification
from . import payment_euplatesc
from . import payment_netopia
from . import website_sale_address
