"""Filters of the order lists that follow the shop's configuration: one
filter per active payment method."""

from lxml import etree

from odoo import _, api, models

# Where the search view of the orders takes the payment method filters.
PAYMENT_METHOD_FILTERS_ANCHOR = "fulfilment_payment_method_filters"


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.model
    def _fulfilment_filter_payment_methods(self):
        """The payment methods the order lists offer a filter for: the active
        ones (Odoo activates a method with the provider that uses it), brands
        excluded."""
        return (
            self.env["payment.method"]
            .sudo()
            .search(
                [("active", "=", True), ("primary_payment_method_id", "=", False)],
                order="sequence, name",
            )
        )

    @api.model
    def _get_view_cache_key(self, view_id=None, view_type="form", **options):
        key = super()._get_view_cache_key(view_id, view_type, **options)
        if view_type != "search":
            return key
        # The search view changes when a payment method is activated or renamed.
        methods = self._fulfilment_filter_payment_methods()
        return key + (tuple((method.id, method.name) for method in methods),)

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type == "search":
            for anchor in arch.xpath(
                f"//separator[@name='{PAYMENT_METHOD_FILTERS_ANCHOR}']"
            ):
                self._fulfilment_add_payment_method_filters(anchor)
        return arch, view

    @api.model
    def _fulfilment_add_payment_method_filters(self, anchor):
        """Put one filter per payment method after ``anchor``; together they
        form one group, so ticking two shows the orders of either."""
        position = anchor
        for method in self._fulfilment_filter_payment_methods():
            node = etree.Element(
                "filter",
                name=f"fulfilment_payment_method_{method.id}",
                string=_("Paid by %s", method.name),
                domain=repr([("fulfilment_payment_method_id", "=", method.id)]),
            )
            position.addnext(node)
            position = node
        position.addnext(etree.Element("separator"))
