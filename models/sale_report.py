from odoo import fields, models


class SaleReport(models.Model):
    _inherit = "sale.report"

    # Each line carries its share of the order's net profit (by untaxed amount),
    # so that profit can be grouped by product and product category.
    profit_net = fields.Float(
        string="Net Profit (share)", groups="order_fulfilment.group_manager"
    )
    profit_cost = fields.Float(
        string="Order Costs (share)", groups="order_fulfilment.group_manager"
    )

    def _select_additional_fields(self):
        res = super()._select_additional_fields()
        share = "l.price_subtotal / NULLIF(s.amount_untaxed, 0)"
        rate = self._case_value_or_one("account_currency_table.rate")
        for name in ("profit_net", "profit_cost"):
            res[name] = f"COALESCE(SUM(s.{name} * {share} * {rate}), 0)"
        return res
