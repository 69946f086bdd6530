from .common import SmsGatewayCase
from .rma_common import FulfilmentRmaCommon


class FulfilmentWarrantyCommon(FulfilmentRmaCommon):
    """Products with warranty periods (own or from their category), serial-
    and lot-tracked ones, delivered through real pickings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.category_parent = cls.env["product.category"].create(
            {
                "name": "Electronics",
                "fulfilment_warranty_months": 12,
                "fulfilment_warranty_type": "commercial",
                "fulfilment_warranty_terms": "Electronics terms: defects covered.",
            }
        )
        cls.category = cls.env["product.category"].create(
            {"name": "Headphones", "parent_id": cls.category_parent.id}
        )
        # Own period: 24 months, legal; terms from the category.
        cls.product.write(
            {
                "categ_id": cls.category.id,
                "fulfilment_warranty_months": 24,
                "fulfilment_warranty_type": "legal",
            }
        )
        # The category's period only.
        cls.product_b.categ_id = cls.category
        cls.phone = cls.env["product.product"].create(
            {
                "name": "Smartphone X1",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
                "list_price": 900.0,
                "standard_price": 600.0,
                "invoice_policy": "order",
                "categ_id": cls.category.id,
                "fulfilment_warranty_months": 24,
            }
        )
        cls.battery = cls.env["product.product"].create(
            {
                "name": "Battery Pack",
                "type": "consu",
                "is_storable": True,
                "tracking": "lot",
                "list_price": 50.0,
                "standard_price": 20.0,
                "invoice_policy": "order",
                "fulfilment_warranty_months": 6,
            }
        )
        stock = cls.stock_location
        cls.serials = cls.env["stock.lot"].create(
            [
                {"name": f"SN-X1-{number}", "product_id": cls.phone.id}
                for number in range(1, 5)
            ]
        )
        for serial in cls.serials:
            cls.env["stock.quant"]._update_available_quantity(
                cls.phone, stock, 1, lot_id=serial
            )
        cls.battery_lot = cls.env["stock.lot"].create(
            {"name": "LOT-BAT-7", "product_id": cls.battery.id}
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.battery, stock, 10, lot_id=cls.battery_lot
        )

    @classmethod
    def _validate_picking(cls, pickings):
        """Validate with the quantities reserved (lots and serials included)."""
        for picking in pickings:
            picking.action_assign()
            for move in picking.move_ids:
                if not move.move_line_ids:
                    move.quantity = move.product_uom_qty
            picking.move_ids.picked = True
            picking.button_validate()

    @classmethod
    def _create_warranty(cls, order=None, **values):
        """A certificate of the first unit of a delivered order (or a new one)."""
        order = order or cls._create_delivered_order([(cls.product, 1, 100.0)])
        warranty = order.fulfilment_warranty_ids[:1]
        if values:
            warranty.write(values)
        return warranty


class FulfilmentWarrantyNotifyCommon(SmsGatewayCase, FulfilmentWarrantyCommon):
    """Adds the local HTTP SMS gateway the notifications go through."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._create_delivered_order([(cls.product, 1, 100.0)])
        cls.warranty = cls.order.fulfilment_warranty_ids

    def _claim_mails(self, claim):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "fulfilment.warranty.claim"),
                ("res_id", "=", claim.id),
                ("recipient_ids", "in", self.customer.ids),
            ],
            order="id",
        )

    def _create_claim(self, **values):
        return self.env["fulfilment.warranty.claim"].create(
            {
                "warranty_id": self.warranty.id,
                "description": "Does not charge.",
                **values,
            }
        )
