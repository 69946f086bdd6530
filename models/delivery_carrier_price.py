"""Shipping prices of carriers: price sources of the courier carriers, the
distance formula (its own carrier type too), rounding to .99, served
countries."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..shipping import (
    DistanceBand,
    FormulaTariff,
    Gazetteer,
    great_circle_km,
    round_up_to_99,
)
from .delivery_carrier import COURIER_TYPES

PRICE_SOURCES = [
    ("fixed", "Fixed price"),
    ("rules", "Price rules"),
    ("courier", "Courier quote"),
    ("formula", "Formula: weight, quantity, distance"),
]
# The countries each courier delivers to unless told otherwise: the domestic
# couriers Romania, GLS the countries of its MyGLS network.
SERVED_COUNTRIES = {
    "fan_courier": ["ro"],
    "sameday": ["ro"],
    "cargus": ["ro"],
    "gls": ["ro", "hu", "hr", "cz", "si", "sk"],
}


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    delivery_type = fields.Selection(
        selection_add=[("fulfilment_formula", "Formula: weight, quantity, distance")],
        ondelete={"fulfilment_formula": "set default"},
    )
    fulfilment_price_source = fields.Selection(
        PRICE_SOURCES,
        string="Price Source",
        default="fixed",
        required=True,
        help="How the shop prices this courier at checkout. Fixed: the fixed "
        "price. Price rules: the rules of the Pricing tab (weight, volume, "
        "quantity, amount), as Odoo's 'Based on Rules'. Courier quote: the "
        "courier's own price API (Sameday, Cargus, FAN Courier), the rules "
        "standing in when it does not answer. Formula: weight, quantity and "
        "distance from the warehouse (Formula tab).",
    )
    fulfilment_price_rounding = fields.Selection(
        [("none", "No rounding"), ("up_99", "Round up to .99")],
        string="Price Rounding",
        default="none",
        required=True,
        help="Applied after the margins: 23.10 becomes 23.99.",
    )

    # Formula
    fulfilment_formula_base = fields.Float(string="Base Price")
    fulfilment_formula_included_weight = fields.Float(
        string="Included Weight (kg)", help="Weight the base price covers."
    )
    fulfilment_formula_per_kg = fields.Float(string="Price per Extra kg")
    fulfilment_formula_included_items = fields.Integer(
        string="Included Items", help="Items the base price covers."
    )
    fulfilment_formula_per_item = fields.Float(string="Price per Extra Item")
    fulfilment_formula_per_km = fields.Float(
        string="Price per km",
        help="Per kilometre from the shipping warehouse to the delivery address "
        "(great-circle); with distance bands, per kilometre beyond the last band.",
    )
    fulfilment_formula_band_ids = fields.One2many(
        "fulfilment.distance.band", "carrier_id", string="Distance Bands", copy=True
    )
    fulfilment_formula_max_price = fields.Float(
        string="Maximum Price", help="The formula never charges more. 0: no maximum."
    )
    fulfilment_uses_formula = fields.Boolean(compute="_compute_fulfilment_uses_formula")

    @api.depends("delivery_type", "fulfilment_price_source")
    def _compute_fulfilment_uses_formula(self):
        courier_types = {code for code, _label in COURIER_TYPES}
        for carrier in self:
            carrier.fulfilment_uses_formula = carrier.delivery_type == (
                "fulfilment_formula"
            ) or (
                carrier.delivery_type in courier_types
                and carrier.fulfilment_price_source == "formula"
            )

    # ------------------------------------------------------------
    # CRUD: served countries by courier
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "country_ids" not in vals and vals.get("delivery_type"):
                countries = self._fulfilment_default_countries(vals["delivery_type"])
                if countries:
                    vals["country_ids"] = [fields.Command.set(countries.ids)]
        return super().create(vals_list)

    @api.onchange("delivery_type")
    def _onchange_fulfilment_served_countries(self):
        countries = self._fulfilment_default_countries(self.delivery_type)
        if countries and not self.country_ids:
            self.country_ids = countries

    @api.model
    def _fulfilment_default_countries(self, delivery_type):
        codes = SERVED_COUNTRIES.get(delivery_type, [])
        return self.env["res.country"].browse(
            self.env.ref(f"base.{code}").id for code in codes
        )

    # ------------------------------------------------------------
    # Prices
    # ------------------------------------------------------------

    def _fulfilment_rate_shipment(self, order):
        self.ensure_one()
        if self.fulfilment_price_source == "rules":
            # Odoo's own "Based on Rules" pricing, on this carrier's rules.
            return self.base_on_rule_rate_shipment(order)
        if self.fulfilment_price_source == "formula":
            return self.fulfilment_formula_rate_shipment(order)
        return super()._fulfilment_rate_shipment(order)

    def fulfilment_formula_rate_shipment(self, order):
        """Provider contract: the formula price of the order's parcel."""
        self.ensure_one()
        if not self._match_address(order.partner_shipping_id):
            return self._fulfilment_rate_error(
                _("Error: this delivery method is not available for this address.")
            )
        try:
            price = self._fulfilment_formula_price(order)
        except UserError as exc:
            return self._fulfilment_rate_error(exc.args[0])
        return {
            "success": True,
            "price": self._compute_currency(order, price, "company_to_pricelist"),
            "error_message": False,
            "warning_message": False,
        }

    def fulfilment_formula_send_shipping(self, pickings):
        # Priced by formula, shipped by the shop's own means: no tracking number.
        return [{"exact_price": 0.0, "tracking_number": False} for _picking in pickings]

    def fulfilment_formula_get_tracking_link(self, picking):
        return False

    def fulfilment_formula_cancel_shipment(self, pickings):
        pickings.write({"carrier_tracking_ref": False})

    def _fulfilment_rate_error(self, message):
        return {
            "success": False,
            "price": 0.0,
            "error_message": message,
            "warning_message": False,
        }

    def _apply_margins(self, price):
        price = super()._apply_margins(price)
        if self.fulfilment_price_rounding == "up_99":
            price = round_up_to_99(price)
        return price

    def _fulfilment_formula_tariff(self):
        self.ensure_one()
        return FormulaTariff(
            base=self.fulfilment_formula_base,
            per_kg=self.fulfilment_formula_per_kg,
            included_weight=self.fulfilment_formula_included_weight,
            per_item=self.fulfilment_formula_per_item,
            included_items=self.fulfilment_formula_included_items,
            per_km=self.fulfilment_formula_per_km,
            bands=tuple(
                DistanceBand(band.up_to_km, band.price)
                for band in self.fulfilment_formula_band_ids
            ),
            maximum=self.fulfilment_formula_max_price,
        )

    def _fulfilment_formula_price(self, order):
        """The formula price of ``order``, in the company's currency.

        Raises a UserError when the distance cannot be known.
        """
        self.ensure_one()
        order = order.sudo()
        origin = order._fulfilment_shipping_origin()
        destination = order.partner_shipping_id
        if origin == destination:
            return 0.0  # collected at the warehouse itself
        distance = self._fulfilment_distance_km(origin, destination)
        weight, items = order._fulfilment_parcel_measures()
        return self._fulfilment_formula_tariff().price(weight, items, distance)

    @api.model
    def _fulfilment_distance_km(self, origin, destination):
        """Great-circle distance between two addresses (partners)."""
        points = []
        for partner in (origin, destination):
            point = partner._fulfilment_coordinates()
            if point is None:
                raise UserError(
                    _(
                        "The locality of %(address)s is unknown: the distance, and "
                        "so the price, cannot be computed.",
                        address=partner._display_address(without_company=True)
                        .replace("\n", ", ")
                        .strip(", ")
                        or partner.display_name,
                    )
                )
            points.append(point)
        return great_circle_km(*points)

    @api.model
    def _fulfilment_gazetteer(self):
        return Gazetteer.shared()
