from . import courier_webhook
