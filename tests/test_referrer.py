from datetime import datetime

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from ..models.fulfilment_referrer import merge_touches
from .common import FulfilmentCommon


@tagged("post_install", "-at_install")
class TestReferrer(FulfilmentCommon):
    """Referrers on orders: channels, the 10-touch limit, RPC, search and analysis."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channel = {
            xmlid: cls.env.ref(f"order_fulfilment.channel_{xmlid}")
            for xmlid in (
                "google_ads",
                "google",
                "email",
                "facebook",
                "referral",
                "direct",
            )
        }
        cls.source_google = cls.env["utm.source"].create({"name": "google"})
        cls.medium_cpc = cls.env["utm.medium"].create({"name": "cpc"})

    def _touch(self, **values):
        return Command.create(values)

    def _order_with_touches(self, touches, user=None, **values):
        return self._create_order(
            user=user,
            referrer_ids=[self._touch(**touch) for touch in touches],
            **values,
        )

    def test_channel_from_rules(self):
        """Default rules: gclid/cpc → Google Ads, google → Google, none → Direct."""
        order = self._order_with_touches(
            [
                {"referrer_url": "https://www.google.com/", "click_id": "gclid"},
                {"source_id": self.source_google.id, "medium_id": self.medium_cpc.id},
                {"referrer_url": "https://www.google.ro/search"},
                {"referrer_url": "https://m.facebook.com/story"},
                {"referrer_url": "https://forum.example.org/thread/42"},
                {"medium_id": self.env.ref("utm.utm_medium_email").id},
                {"landing_page": "/shop"},
            ]
        )
        self.assertEqual(
            order.referrer_ids.sorted("position").mapped("channel_id"),
            self.channel["google_ads"]
            + self.channel["google_ads"]
            + self.channel["google"]
            + self.channel["facebook"]
            + self.channel["referral"]
            + self.channel["email"]
            + self.channel["direct"],
        )
        self.assertEqual(order.referrer_ids[2].referrer_host, "www.google.ro")

    def test_manager_rule_changes_channel(self):
        """A manager's new rule names a channel; applying it updates old touches."""
        order = self._order_with_touches(
            [{"referrer_url": "https://deals.partner.example/"}]
        )
        self.assertEqual(order.last_touch_channel_id, self.channel["referral"])
        Channel = self.env["fulfilment.referrer.channel"].with_user(self.manager)
        partner_channel = Channel.create(
            {"name": "Partner deals", "channel_type": "referral"}
        )
        rule = (
            self.env["fulfilment.referrer.rule"]
            .with_user(self.manager)
            .create(
                {
                    "channel_id": partner_channel.id,
                    "host_pattern": "*.partner.example",
                    "sequence": 1,
                }
            )
        )
        rule.action_apply_to_touches()
        self.assertEqual(order.referrer_ids.channel_id, partner_channel)
        self.assertEqual(order.last_touch_channel_id, partner_channel)
        with self.assertRaises(ValidationError):
            rule.write({"host_pattern": False})

    def test_rpc_create_with_referrers(self):
        """An order created through RPC with touches numbers them, stores first/last."""
        order_id = (
            self.env["sale.order"]
            .with_user(self.manager)
            .create(
                {
                    "partner_id": self.customer.id,
                    "referrer_ids": [
                        Command.create(
                            {
                                "touch_date": "2026-03-01 10:00:00",
                                "referrer_url": "https://www.facebook.com/",
                            }
                        ),
                        Command.create(
                            {
                                "touch_date": "2026-03-02 10:00:00",
                                "source_id": self.source_google.id,
                                "medium_id": self.medium_cpc.id,
                                "landing_page": "/shop/earbuds",
                            }
                        ),
                    ],
                }
            )
            .id
        )
        order = self.env["sale.order"].browse(order_id)
        touches = order.referrer_ids.sorted("position")
        self.assertEqual(touches.mapped("position"), [1, 2])
        self.assertEqual(order.first_touch_channel_id, self.channel["facebook"])
        self.assertEqual(order.last_touch_channel_id, self.channel["google_ads"])
        self.assertEqual(order.last_touch_source_id, self.source_google)
        self.assertEqual(order.last_touch_channel_type, "paid_search")

    def test_more_than_ten_refused_on_create(self):
        """Eleven touches in one create are refused clearly; nothing is created."""
        count = self.env["sale.order"].search_count([])
        with self.assertRaises(ValidationError) as error:
            self._order_with_touches(
                [{"referrer_url": f"https://site{n}.example.com/"} for n in range(11)],
                user=self.manager,
            )
        self.assertIn("at most 10", str(error.exception))
        self.env.invalidate_all()
        self.assertEqual(self.env["sale.order"].search_count([]), count)

    def test_more_than_ten_refused_on_write(self):
        """Adding an 11th touch to an order that has 10 is refused; it keeps its 10."""
        order = self._order_with_touches(
            [{"referrer_url": f"https://site{n}.example.com/"} for n in range(10)]
        )
        with self.assertRaises(ValidationError) as error:
            order.with_user(self.manager).write(
                {
                    "referrer_ids": [
                        Command.create({"referrer_url": "https://one-more.example/"})
                    ]
                }
            )
        self.assertIn("at most 10", str(error.exception))
        self.env.invalidate_all()
        self.assertEqual(len(order.referrer_ids), 10)

    def test_position_out_of_range_refused(self):
        """Position 11 is refused: touches are numbered 1 to 10."""
        order = self._create_order()
        with self.assertRaises(ValidationError) as error:
            self.env["fulfilment.referrer"].create(
                {"order_id": order.id, "position": 11}
            )
        self.assertIn("not valid", str(error.exception))

    def test_operator_cannot_edit_referrers(self):
        """Only managers edit touches; operators read them."""
        order = self._order_with_touches([{"referrer_url": "https://www.google.com/"}])
        touch = order.referrer_ids.with_user(self.operator)
        self.assertEqual(touch.referrer_host, "www.google.com")
        with self.assertRaises(AccessError):
            touch.write({"referrer_url": "https://www.bing.com/"})

    def test_filter_month_and_referrer(self):
        """Orders of a month whose referrer is Google Ads: search, filters, pivot."""
        march = datetime(2026, 3, 10)
        april = datetime(2026, 4, 10)
        gclid = {"referrer_url": "https://www.google.com/", "click_id": "gclid"}
        facebook = {"referrer_url": "https://www.facebook.com/"}
        wanted = self._order_with_touches([facebook, gclid], date_order=march)
        first_touch_only = self._order_with_touches([gclid, facebook], date_order=march)
        self._order_with_touches([gclid], date_order=april)
        self._order_with_touches([facebook], date_order=march)
        month = [("date_order", ">=", "2026-03-01"), ("date_order", "<", "2026-04-01")]
        Order = self.env["sale.order"]
        self.assertEqual(
            Order.search(
                [*month, ("last_touch_channel_id", "=", self.channel["google_ads"].id)]
            ),
            wanted,
        )
        self.assertEqual(
            Order.search(
                [*month, ("first_touch_channel_id", "=", self.channel["google_ads"].id)]
            ),
            first_touch_only,
        )
        # The search view's fields and filters.
        arch = Order.get_views([(False, "search")])["views"]["search"]["arch"]
        self.assertIn('name="last_touch_paid_search"', arch)
        self.assertIn("referrer_ids.referrer_host", arch)
        self.assertEqual(
            Order.search(
                [*month, ("referrer_ids.channel_id.name", "ilike", "Google Ads")]
            ),
            wanted | first_touch_only,
        )
        # "Referrer Channel (any touch)" of the search view, by name and by id,
        # served from the order's own row; same orders as through the touches.
        self.assertIn('name="referrer_channel_ids"', arch)
        self.assertEqual(
            Order.search([*month, ("referrer_channel_ids", "ilike", "Google Ads")]),
            wanted | first_touch_only,
        )
        self.assertEqual(
            Order.search(
                [*month, ("referrer_channel_ids", "in", self.channel["google_ads"].ids)]
            ),
            wanted | first_touch_only,
        )
        self.assertEqual(
            Order.search(
                [
                    *month,
                    ("referrer_channel_ids", "not in", self.channel["google_ads"].ids),
                ]
            ),
            Order.search(month) - wanted - first_touch_only,
            "orders without a Google Ads touch, those without touches included",
        )
        self.assertEqual(
            Order.search([*month, ("referrer_channel_ids", "=", False)]),
            Order.search([*month, ("referrer_ids", "=", False)]),
        )
        self.assertEqual(
            (wanted | first_touch_only).referrer_channel_ids
            & self.channel["google_ads"],
            self.channel["google_ads"],
        )
        self.assertEqual(
            Order.search([*month, ("referrer_ids.referrer_host", "ilike", "facebook")]),
            Order.search([*month, ("referrer_ids", "!=", False)]),
        )
        self.assertEqual(
            Order.search([*month, ("last_touch_channel_type", "=", "paid_search")]),
            wanted,
        )
        # The analysis pivot: one cell per channel and month.
        groups = Order._read_group(
            [("id", "in", (wanted | first_touch_only).ids)],
            ["last_touch_channel_id", "date_order:month"],
            ["__count", "amount_untaxed:sum"],
        )
        self.assertIn(
            (self.channel["google_ads"], march.replace(day=1), 1, 100.0), groups
        )
        action = self.env.ref("order_fulfilment.action_fulfilment_referrer_analysis")
        views = Order.get_views([(v.view_id.id, v.view_mode) for v in action.view_ids])
        self.assertIn("last_touch_channel_id", views["views"]["pivot"]["arch"])

    def test_merge_touches(self):
        """Identical consecutive touches merge; only the last ten are kept."""
        touches = [
            {"time": f"2026-03-01 10:00:{n:02d}", "host": f"s{n // 2}.example"}
            for n in range(30)
        ]
        merged = merge_touches(touches)
        self.assertEqual(
            [t["host"] for t in merged], [f"s{n}.example" for n in range(5, 15)]
        )
