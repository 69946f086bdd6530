"""The courier's own price at checkout (price source "Courier quote").

Sameday (AWB cost estimation), Cargus (ShippingCalculation) and FAN Courier
(internal tariff) price a parcel before any AWB; GLS publishes no such API.
The price is asked with a short timeout, kept a few minutes per cart
(``fulfilment.shipping.quote``), and when the courier does not answer in
time the carrier's price rules (else its fixed price) stand in, and the
log says so.
"""

import hashlib
import json
import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..couriers import CLIENTS, CourierError, Parcel, ShipmentRequest

_logger = logging.getLogger(__name__)

QUOTE_LIFETIME = timedelta(minutes=5)  # a cart's price is asked again after
# After no answer, the courier is left alone that long: every page of the
# checkout would otherwise wait for it again.
UNANSWERED_LIFETIME = timedelta(minutes=1)


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    fulfilment_quote_timeout = fields.Float(
        string="Checkout Timeout (s)",
        default=3.0,
        help="Seconds the checkout waits for the courier's price; past them the "
        "price rules (else the fixed price) stand in.",
    )
    fulfilment_supports_quote = fields.Boolean(
        compute="_compute_fulfilment_supports_quote"
    )

    @api.depends("delivery_type")
    def _compute_fulfilment_supports_quote(self):
        for carrier in self:
            client = CLIENTS.get(carrier.delivery_type)
            carrier.fulfilment_supports_quote = bool(client and client.supports_quote)

    @api.constrains("fulfilment_price_source", "delivery_type")
    def _check_fulfilment_quote_source(self):
        for carrier in self:
            if (
                carrier.fulfilment_price_source == "courier"
                and not carrier.fulfilment_supports_quote
            ):
                raise ValidationError(
                    _(
                        "%(carrier)s cannot be priced by the courier: %(courier)s "
                        "publishes no price API. Choose the price rules or the "
                        "formula.",
                        carrier=carrier.name,
                        courier=dict(
                            carrier._fields["delivery_type"]._description_selection(
                                carrier.env
                            )
                        ).get(carrier.delivery_type, carrier.delivery_type),
                    )
                )

    # ------------------------------------------------------------
    # Price
    # ------------------------------------------------------------

    def _fulfilment_rate_shipment(self, order):
        if self.fulfilment_price_source == "courier":
            return self._fulfilment_quote_rate_shipment(order)
        return super()._fulfilment_rate_shipment(order)

    def _fulfilment_quote_rate_shipment(self, order):
        """``rate_shipment`` by the courier's quote, kept per cart."""
        self.ensure_one()
        if not self._match_address(order.partner_shipping_id):
            return self._fulfilment_rate_error(
                _("Error: this delivery method is not available for this address.")
            )
        # The quotes are the shop's own bookkeeping, read and kept whoever
        # browses the shop (public and portal users included).
        Quote = self.env["fulfilment.shipping.quote"].sudo()
        keep = isinstance(order.id, int)
        fingerprint = self._fulfilment_quote_fingerprint(order)
        kept = Quote._find(order, self, fingerprint) if keep else Quote
        if kept.source == "unanswered":
            return self._fulfilment_quote_fallback(order)
        if kept:
            price = kept.price
        else:
            try:
                price = self._fulfilment_ask_quote(order)
            except (CourierError, UserError) as exc:
                _logger.warning(
                    "%s gave no price for %s (%s): priced by its rules instead.",
                    self.name,
                    order.name,
                    exc.message if isinstance(exc, CourierError) else exc.args[0],
                )
                if keep:
                    Quote._keep(
                        order, self, fingerprint, "unanswered", 0.0, UNANSWERED_LIFETIME
                    )
                return self._fulfilment_quote_fallback(order)
            if keep:
                Quote._keep(order, self, fingerprint, "courier", price, QUOTE_LIFETIME)
        return {
            "success": True,
            "price": self._compute_currency(order, price, "company_to_pricelist"),
            "error_message": False,
            "warning_message": False,
        }

    def _fulfilment_quote_fallback(self, order):
        """The price when the courier gives none: the carrier's price rules,
        else its fixed price."""
        self.ensure_one()
        if self.price_rule_ids:
            return self.base_on_rule_rate_shipment(order)
        return {
            "success": True,
            "price": self._compute_currency(
                order, self.fixed_price, "company_to_pricelist"
            ),
            "error_message": False,
            "warning_message": False,
        }

    def _fulfilment_ask_quote(self, order):
        """The courier's price of ``order``'s parcel, in the company's currency.

        :raise CourierError: the courier refused or did not answer in time
        """
        self.ensure_one()
        exchanges = []
        client = self._fulfilment_client(
            on_exchange=lambda *exchange: exchanges.append(exchange)
        )
        client.timeout = self.fulfilment_quote_timeout or 3.0
        try:
            quote = client.quote(self._fulfilment_quote_request(order))
        except CourierError:
            # What was sent and answered is kept for the failures only: the
            # checkout asks for prices far too often to log them all.
            self.env["fulfilment.courier.log"]._store_detached(self, None, exchanges)
            raise
        company = order.company_id or self.env.company
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", quote.currency or "RON")], limit=1)
        )
        if not currency or currency == company.currency_id:
            return quote.price
        return currency._convert(
            quote.price, company.currency_id, company, fields.Date.today()
        )

    def _fulfilment_quote_request(self, order):
        """The courier-neutral request of ``order``'s parcel, for a quote:
        from the shipping warehouse to the delivery address, in the courier's
        spelling of the localities."""
        self.ensure_one()
        order = order.sudo()
        weight, _items = order._fulfilment_parcel_measures()
        recipient = order.partner_shipping_id
        origin = order._fulfilment_shipping_origin()
        return ShipmentRequest(
            reference=order.name or "",
            recipient=self._fulfilment_courier_address(
                recipient, self._fulfilment_address_of(recipient)
            ),
            sender=self._fulfilment_courier_address(
                origin, self._fulfilment_address_of(origin)
            ),
            parcels=[
                Parcel(
                    weight=weight or self.fulfilment_default_weight or 1.0,
                    length=self.fulfilment_parcel_length,
                    width=self.fulfilment_parcel_width,
                    height=self.fulfilment_parcel_height,
                )
            ],
            service=self.fulfilment_service or "",
            pickup_point=self.fulfilment_pickup_point or "",
            declared_value=self._fulfilment_goods_amount(order),
            currency=order.currency_id.name or "RON",
            payer=self.fulfilment_payer or "sender",
        )

    def _fulfilment_quote_fingerprint(self, order):
        """What the courier's price of ``order`` depends on, hashed: the
        carrier's settings, the delivery address, the warehouse, the goods."""
        self.ensure_one()
        order = order.sudo()
        partner = order.partner_shipping_id
        goods = sorted(
            (line.product_id.id, line.product_uom_qty)
            for line in order.order_line
            if not line.is_delivery and not line.display_type
        )
        parts = [
            self.id,
            str(self.write_date),
            partner.id,
            partner.street,
            partner.city,
            partner.city_id.id,
            partner.zip,
            partner.state_id.id,
            partner.country_id.id,
            order.warehouse_id.id,
            goods,
            self._fulfilment_goods_amount(order),
        ]
        return hashlib.sha1(
            json.dumps(parts, default=str).encode(), usedforsecurity=False
        ).hexdigest()

    @api.model
    def _fulfilment_goods_amount(self, order):
        """The untaxed value of the goods (the delivery line left out)."""
        return order.currency_id.round(
            sum(
                order.order_line.filtered(lambda line: not line.is_delivery).mapped(
                    "price_subtotal"
                )
            )
        )
