from . import courier_webhook
from . import portal
