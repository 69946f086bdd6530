from odoo import api, models, tools

# Groups whose members are staff: a picker who is also one of them keeps the
# access of that group.
FULFILMENT_STAFF_GROUPS = (
    "stock.group_stock_user",
    "sales_team.group_sale_salesman",
    "account.group_account_invoice",
)


class ResUsers(models.Model):
    _inherit = "res.users"

    # ------------------------------------------------------------
    # Pickers: the picking screen is their home
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        users._fulfilment_set_picker_home_action()
        return users

    def write(self, vals):
        result = super().write(vals)
        if any(
            key.startswith(("groups_id", "in_group_", "sel_groups_")) for key in vals
        ):
            self._fulfilment_set_picker_home_action()
        return result

    def _fulfilment_set_picker_home_action(self):
        action = self.env.ref(
            "order_fulfilment.action_picking_scanner", raise_if_not_found=False
        )
        if not action:
            return
        pickers = self.filtered(
            lambda user: not user.action_id and user._fulfilment_is_picker_only()
        )
        if pickers:
            pickers.sudo().action_id = action.id

    @tools.ormcache("self.id")
    def _fulfilment_is_picker_only(self):
        """A picker who belongs to no staff group: sees no price, no customer.

        Cached like ``_has_group`` (the cache is cleared when groups change).
        """
        self.ensure_one()
        return self._has_group("order_fulfilment.group_picker") and not any(
            self._has_group(group) for group in FULFILMENT_STAFF_GROUPS
        )
