import random
from datetime import timedelta

from odoo import api, fields, models

from .delivery_carrier import COURIER_TYPES


class FulfilmentDemo(models.AbstractModel):
    _name = "fulfilment.demo"
    _description = "Order Fulfilment Demo Data"

    @api.model
    def _demo_shop_front(self):
        """The demo shop sells its own products (``OF-*``): the products of
        Odoo's own demo data (furniture) are taken off its shelves, and its
        shop's categories are its own product categories (Audio, Smart Home,
        ...) instead of Odoo's furniture ones."""
        own = (
            self.env["product.product"]
            .with_context(active_test=False)
            .search([("default_code", "=like", "OF-%")])
            .product_tmpl_id
        )
        others = self.env["product.template"].search(
            [("is_published", "=", True), ("id", "not in", own.ids)]
        )
        others.is_published = False
        PublicCategory = self.env["product.public.category"]
        shelves = {}
        for template in own:
            category = template.categ_id
            if category not in shelves:
                shelves[category] = PublicCategory.search(
                    [("name", "=", category.name), ("parent_id", "=", False)],
                    limit=1,
                ) or PublicCategory.create({"name": category.name})
            template.public_categ_ids = shelves[category]
        ours = PublicCategory.browse([c.id for c in shelves.values()])
        PublicCategory.search(
            [("id", "not in", ours.ids), ("parent_id", "=", False)]
        ).unlink()

    @api.model
    def _generate_demo_orders(self, count=60, seed=2026):
        """Create realistic orders: confirmed, invoiced, paid, shipped, in
        every status, dated over the last six months. Used by the demo data only.
        """
        rng = random.Random(seed)
        env = self.env
        products = env["product.product"].search(
            [("default_code", "=like", "OF-%")], order="default_code"
        )
        # The shop's own customers only: Odoo's demo partners (US addresses)
        # stay out of the fulfilment flows.
        customers = self._demo_customers()
        if not products or not customers:
            return
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        for product in products:
            env["stock.quant"]._update_available_quantity(
                product, warehouse.lot_stock_id, rng.randint(40, 120)
            )
        carriers = self._demo_records(
            "delivery.carrier",
            [
                "carrier_demo_fan",
                "carrier_demo_sameday",
                "carrier_demo_cargus",
                "carrier_demo_gls",
                "carrier_demo_formula",
            ],
        )
        pricelist = self._demo_pricelist()
        salespeople = env.ref("base.user_admin") | env.ref(
            "order_fulfilment.user_demo_operator", raise_if_not_found=False
        )
        # Customers with a portal account get a share of the orders, so that
        # the portal shows something whichever demo login is used.
        portal_customers = customers.filtered("user_ids")
        status = {
            xmlid: env.ref(f"order_fulfilment.status_{xmlid}", raise_if_not_found=False)
            for xmlid in (
                "processing",
                "on_hold",
                "ready_to_ship",
                "shipping",
                "delivery_issue",
                "delivered",
                "completed",
                "returned",
            )
        }
        # (share of orders, final stage) — every status gets some orders.
        stages = (
            ["quotation"] * 6
            + ["cancelled"] * 4
            + ["confirmed"] * 6
            + ["paid"] * 6
            + ["processing"] * 6
            + ["on_hold"] * 3
            + ["ready_to_ship"] * 5
            + ["shipping"] * 6
            + ["delivery_issue"] * 2
            + ["delivered"] * 6
            + ["completed"] * 8
            + ["returned"] * 2
        )
        now = fields.Datetime.now()
        for index in range(count):
            stage = stages[index % len(stages)]
            order_date = now - timedelta(
                days=rng.randint(1, 180), hours=rng.randint(0, 23)
            )
            lines = [
                fields.Command.create(
                    {"product_id": product.id, "product_uom_qty": rng.randint(1, 3)}
                )
                for product in rng.sample(products, rng.randint(1, 4))
            ]
            order = env["sale.order"].create(
                {
                    "partner_id": (
                        portal_customers[index % len(portal_customers)]
                        if portal_customers and index % 4 == 0
                        else rng.choice(customers)
                    ).id,
                    "user_id": rng.choice(salespeople).id,
                    "order_line": lines,
                    "date_order": order_date,
                    **({"pricelist_id": pricelist.id} if pricelist else {}),
                }
            )
            if carriers:
                self._demo_set_carrier(order, rng.choice(carriers))
            if stage == "quotation":
                continue
            if stage == "cancelled":
                order._action_cancel()
                continue
            order.action_confirm()
            order.date_order = order_date
            if stage == "confirmed":
                continue
            self._demo_pay(order)
            if stage in ("delivered", "completed", "returned"):
                self._demo_deliver(order)
            for step in self._demo_path(stage):
                if status.get(step):
                    order._fulfilment_set_status(status[step])
            self._demo_spread_history(order, order_date, rng)
        self._generate_demo_address_cases(products)
        self._generate_demo_pickup(products)
        self._generate_demo_batch()

    @api.model
    def _demo_records(self, model, names):
        return self.env[model].browse(
            record.id
            for name in names
            if (record := self.env.ref(f"order_fulfilment.{name}", False))
        )

    @api.model
    def _demo_customers(self):
        """The shop's demo customers with good addresses (not Odoo's own demo
        partners, not the deliberately wrong addresses)."""
        data = self.env["ir.model.data"].search(
            [
                ("module", "=", "order_fulfilment"),
                ("model", "=", "res.partner"),
                ("name", "=like", "partner_demo_%"),
                ("name", "not in", list(self._DEMO_WRONG_ADDRESSES)),
            ]
        )
        return self.env["res.partner"].browse(data.mapped("res_id"))

    _DEMO_WRONG_ADDRESSES = (
        "partner_demo_wrong_zip",
        "partner_demo_wrong_locality",
        "partner_demo_no_number",
    )

    @api.model
    def _demo_pricelist(self):
        """The shop sells in the company's currency (RON), whatever the
        customer's country: Odoo's demo EUR pricelist for Europe stays out."""
        pricelist = self.env.ref("order_fulfilment.pricelist_demo_ron", False)
        if pricelist and pricelist.currency_id == self.env.company.currency_id:
            return pricelist
        return self.env["product.pricelist"].search(
            [("currency_id", "=", self.env.company.currency_id.id)], limit=1
        )

    @api.model
    def _demo_set_carrier(self, order, carrier):
        """The carrier's checkout price, as the shop would have computed it."""
        rate = carrier.rate_shipment(order)
        price = rate["price"] if rate.get("success") else carrier.fixed_price
        order.set_delivery_line(carrier, price)

    @api.model
    def _generate_demo_address_cases(self, products):
        """Confirmed FAN Courier orders of the customers with wrong addresses:
        their banner lists the problems and Send to Courier refuses them."""
        fan = self.env.ref("order_fulfilment.carrier_demo_fan", False)
        for name in self._DEMO_WRONG_ADDRESSES:
            partner = self.env.ref(f"order_fulfilment.{name}", False)
            if not partner or not fan:
                continue
            order = self.env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "pricelist_id": self._demo_pricelist().id,
                    "order_line": [
                        fields.Command.create(
                            {"product_id": products[0].id, "product_uom_qty": 1}
                        )
                    ],
                }
            )
            self._demo_set_carrier(order, fan)
            order.action_confirm()

    @api.model
    def _generate_demo_batch(self):
        """A batch of three ready courier deliveries of the shop's orders for
        the picker: one walk, one tote per delivery."""
        pickings = self.env["stock.picking"].search(
            [
                ("picking_type_code", "=", "outgoing"),
                ("state", "=", "assigned"),
                ("sale_id", "!=", False),
                ("batch_id", "=", False),
                ("carrier_tracking_ref", "=", False),
                (
                    "carrier_id.delivery_type",
                    "in",
                    [code for code, _label in COURIER_TYPES],
                ),
            ],
            order="id",
            limit=3,
        )
        if len(pickings) < 2:
            return
        picker = self.env.ref("order_fulfilment.user_demo_picker", False)
        self.env["stock.picking.batch"].create(
            {
                "picking_ids": [fields.Command.set(pickings.ids)],
                "user_id": picker.id if picker else False,
            }
        ).action_confirm()

    @api.model
    def _generate_demo_pickup(self, products):
        """Two click & collect orders: one packed and waiting for the customer
        (pickup code sent), one still to prepare."""
        carrier = self.env.ref("order_fulfilment.carrier_demo_pickup", False)
        customer = self.env["res.partner"].search(
            [("email", "=", "andreea.popescu@example.com")], limit=1
        )
        if not carrier or not customer:
            return
        for ready in (True, False):
            order = self.env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "pricelist_id": self._demo_pricelist().id,
                    "order_line": [
                        fields.Command.create(
                            {"product_id": product.id, "product_uom_qty": 1}
                        )
                        for product in products[:2]
                    ],
                }
            )
            self._demo_set_carrier(order, carrier)
            order.action_confirm()
            picking = order.picking_ids
            picking.action_assign()
            if ready and picking.state == "assigned":
                picking.action_fulfilment_ready_for_pickup()

    @api.model
    def _demo_path(self, stage):
        paths = {
            "paid": [],
            "processing": ["processing"],
            "on_hold": ["processing", "on_hold"],
            "ready_to_ship": ["processing", "ready_to_ship"],
            "shipping": ["processing", "ready_to_ship", "shipping"],
            "delivery_issue": [
                "processing",
                "ready_to_ship",
                "shipping",
                "delivery_issue",
            ],
            "delivered": ["processing", "ready_to_ship", "shipping", "delivered"],
            "completed": [
                "processing",
                "ready_to_ship",
                "shipping",
                "delivered",
                "completed",
            ],
            "returned": [
                "processing",
                "ready_to_ship",
                "shipping",
                "delivered",
                "returned",
            ],
        }
        return paths[stage]

    @api.model
    def _demo_pay(self, order):
        """Invoice the order and register its payment, as a shop would."""
        invoice = order._create_invoices(final=True)
        invoice.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()

    @api.model
    def _demo_deliver(self, order):
        for picking in order.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        ):
            picking.action_assign()
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
                move.picked = True
            picking.with_context(skip_backorder=True, skip_sms=True)._action_done()

    @api.model
    def _demo_spread_history(self, order, start, rng):
        """Date the status history like a real order's: hours to days apart."""
        moment = start
        for entry in order.fulfilment_status_history_ids.sorted(lambda h: h.id):
            entry.date = moment
            moment += timedelta(hours=rng.randint(2, 40))

    # ------------------------------------------------------------
    # Returns (RMA)
    # ------------------------------------------------------------

    @api.model
    def _generate_demo_rmas(self):
        """Returns in every step of their life, on delivered demo orders; the
        demo portal customer gets some of them."""
        env = self.env
        orders = (
            env["sale.order"]
            .search(
                [
                    ("state", "=", "sale"),
                    ("partner_id", "in", self._demo_customers().ids),
                ],
                order="id",
            )
            .filtered(lambda o: o._fulfilment_get_returnable_lines())
        )
        if not orders:
            return
        portal_partner = env["res.partner"].search(
            [("email", "=", "andreea.popescu@example.com")], limit=1
        )
        portal_orders = orders.filtered(lambda o: o.partner_id == portal_partner)
        products = env["product.product"].search(
            [("default_code", "=like", "OF-%"), ("is_storable", "=", True)], limit=2
        )
        if portal_partner and not portal_orders and products:
            # The demo customer needs a delivered order to see returns.
            order = env["sale.order"].create(
                {
                    "partner_id": portal_partner.id,
                    "pricelist_id": self._demo_pricelist().id,
                    "order_line": [
                        fields.Command.create(
                            {"product_id": product.id, "product_uom_qty": 2}
                        )
                        for product in products
                    ],
                }
            )
            order.action_confirm()
            self._demo_pay(order)
            self._demo_deliver(order)
            portal_orders = order
        ordered = portal_orders + orders
        plans = [
            ("approved", "replace", "defective"),
            ("requested", "refund", "withdrawal"),
            ("received", "refund", "not_as_described"),
            ("refunded", "refund", "wrong_item"),
            ("replaced", "replace", "damaged"),
            ("in_repair", "repair", "defective"),
        ]
        used = env["sale.order"]
        for (target, resolution, reason), order in zip(plans, ordered, strict=False):
            if order in used:
                continue
            used |= order
            sale_line = order._fulfilment_get_returnable_lines()[:1]
            rma = env["fulfilment.rma"].create(
                {
                    "order_id": order.id,
                    "reason": reason,
                    "requested_resolution": resolution,
                    "description": "Demo return.",
                    "line_ids": [
                        fields.Command.create(
                            {"sale_line_id": sale_line.id, "quantity": 1}
                        )
                    ],
                }
            )
            rma.action_request()
            if target == "requested":
                continue
            rma.action_approve()
            if target == "approved":
                continue
            for picking in rma.picking_ids:
                for move in picking.move_ids:
                    move.quantity = move.product_uom_qty
                    move.picked = True
                picking.with_context(skip_sms=True)._action_done()
            if target != "received":
                rma.action_resolve()

    # ------------------------------------------------------------
    # Warranty
    # ------------------------------------------------------------

    @api.model
    def _generate_demo_warranty_claims(self):
        """Service claims in several steps on the demo certificates (issued
        when the demo orders were delivered); the demo portal customer gets
        one of them."""
        env = self.env
        Warranty = env["fulfilment.warranty"]
        portal_partner = env["res.partner"].search(
            [("email", "=", "andreea.popescu@example.com")], limit=1
        )
        certificates = Warranty.search(
            [
                ("state", "=", "active"),
                ("partner_id", "=", portal_partner.id),
            ],
            limit=1,
        )
        # Other customers, one claim each.
        for certificate in Warranty.search(
            [("state", "=", "active"), ("partner_id", "!=", portal_partner.id)],
            order="id",
        ):
            if len(certificates) == 5:
                break
            if certificate.partner_id not in certificates.partner_id:
                certificates |= certificate
        plans = [
            ("in_repair", "The left earbud does not charge in the case."),
            ("received", "The device switches off after a few minutes."),
            ("waiting_parts", "Cracked hinge after normal use."),
            ("returned", "No sound from the right speaker."),
            ("rejected", "Screen broken after a fall."),
        ]
        steps = {
            "received": [],
            "in_repair": ["action_diagnose", "action_repair"],
            "waiting_parts": ["action_diagnose", "action_wait_parts"],
            "returned": [
                "action_diagnose",
                "action_repair",
                "action_repaired",
                "action_return_to_customer",
            ],
            "rejected": ["action_diagnose", "action_reject"],
        }
        Claim = env["fulfilment.warranty.claim"]
        for (target, description), certificate in zip(
            plans, certificates, strict=False
        ):
            claim = Claim.create(
                {
                    "warranty_id": certificate.id,
                    "description": description,
                    "expected_date": fields.Date.today() + timedelta(days=10),
                }
            )
            if target == "rejected":
                claim.rejection_reason = (
                    "Accidental damage is not covered by the warranty."
                )
            for step in steps[target]:
                getattr(claim, step)()
