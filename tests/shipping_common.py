from odoo import Command

from .common import FulfilmentCommon


class ShippingCommon(FulfilmentCommon):
    """A warehouse in Brașov, customers at real Romanian localities (the
    nomenclature of OCA's ``l10n_ro_city``, installed in the test database),
    a product of 0.5 kg."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The address checks are tested on the real Romanian nomenclature: a
        # database without it must fail here, not skip.
        codlea = cls.env.ref("l10n_ro_city.RO_40250")
        assert codlea.zipcode == "505100", codlea.zipcode
        cls.ro = cls.env.ref("base.ro")
        cls.state_bv = cls.env.ref("base.RO_BV")
        cls.state_cj = cls.env.ref("base.RO_CJ")
        cls.warehouse.partner_id.write(
            {
                "street": "Str. Republicii 10",
                "city": "Brașov",
                "zip": "500030",
                "state_id": cls.state_bv.id,
                "country_id": cls.ro.id,
                "partner_latitude": 0.0,
                "partner_longitude": 0.0,
            }
        )
        cls.product.weight = 0.5
        cls.customer_cluj = cls._create_customer(
            "Mihai Ionescu", "Bd. Eroilor 45", "Cluj-Napoca", "400129", cls.state_cj
        )
        cls.customer_codlea = cls._create_customer(
            "Radu Stan", "Str. Lungă 5", "Codlea", "505100", cls.state_bv
        )
        cls.delivery_product = cls.env["product.product"].create(
            {"name": "Delivery", "type": "service", "taxes_id": False}
        )

    @classmethod
    def _create_customer(cls, name, street, city, zip_code, state, **values):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "email": f"{name.split()[0].lower()}@example.com",
                "mobile": "+40 721 100 201",
                "street": street,
                "city": city,
                "zip": zip_code,
                "state_id": state.id,
                "country_id": cls.ro.id,
                **values,
            }
        )

    @classmethod
    def _create_formula_carrier(cls, **values):
        return cls.env["delivery.carrier"].create(
            {
                "name": "Own van (formula)",
                "delivery_type": "fulfilment_formula",
                "product_id": cls.delivery_product.id,
                "fulfilment_formula_base": 10.0,
                "fulfilment_formula_included_weight": 1.0,
                "fulfilment_formula_per_kg": 2.0,
                "fulfilment_formula_included_items": 2,
                "fulfilment_formula_per_item": 1.5,
                "fulfilment_formula_per_km": 0.05,
                "fulfilment_formula_band_ids": [
                    Command.create({"up_to_km": 100, "price": 5.0}),
                    Command.create({"up_to_km": 250, "price": 12.0}),
                ],
                **values,
            }
        )
