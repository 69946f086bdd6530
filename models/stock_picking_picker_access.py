from odoo import models


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = ["stock.picking", "fulfilment.picker.hidden.mixin"]

    # Pickers see the shipping name and address on the picking screen and the
    # slip only (read as superuser there): never the customer record, the
    # order, nor the chatter and followers (customer e-mails).
    _fulfilment_picker_hidden_fields = (
        "partner_id",
        "sale_id",
        "message_follower_ids",
        "message_partner_ids",
        "message_ids",
        "website_message_ids",
        "activity_ids",
        "activity_user_id",
        "activity_summary",
    )
