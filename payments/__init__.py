"""Romanian card processors: messages, signatures and API clients in plain Python.

No Odoo import here: the ``payment.provider`` / ``payment.transaction``
extensions in ``models/`` call these, and ``payments/tests`` checks them
against the fakes of ``payments/fakes`` on their own.
"""

from . import euplatesc, netopia
from .base import PaymentGatewayError, PaymentSignatureError

__all__ = ["PaymentGatewayError", "PaymentSignatureError", "euplatesc", "netopia"]
