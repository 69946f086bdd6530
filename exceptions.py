from odoo.exceptions import UserError


class FulfilmentLossError(UserError):
    """The loss guard refused to deliver, invoice or close orders at a loss.

    A UserError for code and for the user; the back office's buttons catch it
    to open the approval dialog instead.

    :param orders: the refused orders (``sale.order``)
    :param action_label: what was refused, for the managers
    """

    def __init__(self, orders, action_label):
        super().__init__(orders._fulfilment_loss_guard_message())
        self.orders = orders
        self.action_label = action_label
