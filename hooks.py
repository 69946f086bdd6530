from odoo.addons.payment import reset_payment_provider


def post_init_hook(env):
    """Give the orders that exist before installation a status and its history,
    and the deliveries of open batches their tote numbers."""
    env["sale.order"]._fulfilment_install_statuses()
    env["stock.picking.batch"].search(
        [("state", "not in", ("done", "cancel"))]
    )._fulfilment_number_totes()


def uninstall_hook(env):
    """Reset the cash-on-delivery provider, as Odoo's own custom modes do."""
    reset_payment_provider(env, "custom", custom_mode="cash_on_delivery")
