import glob
import os

from odoo import http
from odoo.tests import HttpCase, tagged

GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)


@tagged("post_install", "-at_install")
class TestReferrerShop(HttpCase):
    """The web shop records where a visitor comes from and attaches it to the order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls.env["website"].get_current_website()
        cls.product_template = cls.env["product.template"].create(
            {
                "name": "Trail Running Shoes",
                "type": "consu",
                "list_price": 80.0,
                "sale_ok": True,
                "is_published": True,
                "website_id": cls.website.id,
            }
        )
        cls.product = cls.product_template.product_variant_id
        cls.channel_email = cls.env.ref("order_fulfilment.channel_email")
        cls.channel_google_ads = cls.env.ref("order_fulfilment.channel_google_ads")
        cls.channel_direct = cls.env.ref("order_fulfilment.channel_direct")

    def setUp(self):
        super().setUp()
        self.opener.headers["User-Agent"] = BROWSER

    def _visit(self, path, referrer=None, user_agent=None):
        headers = {}
        if referrer:
            headers["Referer"] = referrer
        if user_agent:
            headers["User-Agent"] = user_agent
        response = self.url_open(path, headers=headers)
        self.assertEqual(response.status_code, 200, path)
        return response

    def _add_to_cart_and_get_order(self):
        """Add the product to the cart, open the checkout, return the cart order."""
        self.make_jsonrpc_request(
            "/shop/cart/update_json", {"product_id": self.product.id, "add_qty": 1}
        )
        self.url_open("/shop/checkout", allow_redirects=False)
        order = self.env["sale.order"].search(
            [
                ("website_id", "=", self.website.id),
                ("order_line.product_id", "=", self.product.id),
            ],
            order="id desc",
            limit=1,
        )
        self.assertTrue(order, "adding to the cart creates the order")
        return order

    def test_visitor_touches_reach_the_order_in_order(self):
        """Mail link with UTM, then a Google ad: both touches on the order, in order."""
        response = self._visit(
            "/shop?utm_source=newsletter&utm_medium=email&utm_campaign=spring_sale",
            referrer="https://mail.example.net/inbox?user=ana%40example.com",
        )
        # Odoo's own UTM cookies are still set.
        self.assertEqual(response.cookies.get("odoo_utm_source"), "newsletter")
        self._visit(
            f"/shop/{self.product_template.id}",
            referrer=f"{self.base_url()}/shop",
        )
        self._visit(
            "/shop?gclid=Cj0KCQ-secret-click-value", referrer="https://www.google.com/"
        )

        order = self._add_to_cart_and_get_order()
        touches = order.referrer_ids.sorted("position")
        self.assertEqual(touches.mapped("position"), [1, 2])
        first, last = touches
        self.assertEqual(first.referrer_url, "https://mail.example.net/inbox")
        self.assertEqual(first.referrer_host, "mail.example.net")
        self.assertEqual(
            first.landing_page,
            "/shop?utm_source=newsletter&utm_medium=email&utm_campaign=spring_sale",
        )
        self.assertEqual(first.source_id.name.lower(), "newsletter")
        self.assertEqual(first.medium_id.name.lower(), "email")
        self.assertEqual(first.campaign_id.name, "spring_sale")
        self.assertEqual(first.channel_id, self.channel_email)
        self.assertEqual(last.referrer_host, "www.google.com")
        self.assertEqual(last.click_id, "gclid")
        self.assertEqual(last.landing_page, "/shop")
        self.assertEqual(last.channel_id, self.channel_google_ads)
        self.assertLessEqual(first.touch_date, last.touch_date)
        self.assertEqual(order.first_touch_channel_id, self.channel_email)
        self.assertEqual(order.last_touch_channel_id, self.channel_google_ads)
        self.assertEqual(order.first_touch_source_id, first.source_id)
        # Odoo's UTM fields on the order still come from its cookies.
        self.assertEqual(order.source_id.name.lower(), "newsletter")

        order.action_confirm()
        self.assertEqual(order.referrer_ids, touches, "confirming keeps the touches")

    def test_touch_after_cart_creation_is_added(self):
        """A visit from outside after the cart exists is appended to its touches."""
        self._visit("/shop", referrer="https://www.bing.com/")
        order = self._add_to_cart_and_get_order()
        self.assertEqual(order.referrer_ids.mapped("referrer_host"), ["www.bing.com"])
        self._visit("/shop", referrer="https://www.facebook.com/")
        self._add_to_cart_and_get_order()
        self.assertEqual(
            order.referrer_ids.sorted("position").mapped("referrer_host"),
            ["www.bing.com", "www.facebook.com"],
        )

    def test_website_page_landing_is_a_touch(self):
        """Landing on a website page (not a controller) from outside is recorded."""
        self._visit("/contactus", referrer="https://www.linkedin.com/feed/")
        order = self._add_to_cart_and_get_order()
        self.assertEqual(order.referrer_ids.landing_page, "/contactus")
        self.assertEqual(
            order.referrer_ids.channel_id,
            self.env.ref("order_fulfilment.channel_linkedin"),
        )

    def test_eleventh_touch_drops_the_oldest(self):
        """Eleven visits from outside: the order keeps the last ten, oldest first."""
        for number in range(1, 12):
            self._visit("/shop", referrer=f"https://blog{number}.example.org/review")
        order = self._add_to_cart_and_get_order()
        touches = order.referrer_ids.sorted("position")
        self.assertEqual(touches.mapped("position"), list(range(1, 11)))
        self.assertEqual(
            touches.mapped("referrer_host"),
            [f"blog{number}.example.org" for number in range(2, 12)],
        )

    def test_internal_navigation_bots_and_repeats_add_no_touch(self):
        """Internal links, bots and a reload of the same landing page add no touch."""
        self._visit(
            "/shop?utm_source=partner_blog", referrer="https://partner.example.com/post"
        )
        self._visit(
            "/shop?utm_source=partner_blog", referrer="https://partner.example.com/post"
        )
        self._visit("/shop?utm_source=homepage_banner", referrer=f"{self.base_url()}/")
        self._visit(
            f"/shop/{self.product_template.id}", referrer=f"{self.base_url()}/shop"
        )
        self._visit(
            "/shop?utm_source=crawler",
            referrer="https://spam.example.net/",
            user_agent=GOOGLEBOT,
        )
        self._visit("/shop")
        order = self._add_to_cart_and_get_order()
        self.assertEqual(
            order.referrer_ids.mapped("referrer_host"), ["partner.example.com"]
        )
        self.assertEqual(order.referrer_ids.source_id.name, "partner_blog")

    def test_direct_visit_is_the_first_touch_only(self):
        """A visit without referrer nor UTM is not stored (no session for a
        plain page view): the cart of a visitor who came from Google has the
        organic touch only, and a later plain visit adds nothing."""
        self._visit("/shop")
        self._visit("/shop", referrer="https://www.google.com/")
        self._visit("/shop")
        order = self._add_to_cart_and_get_order()
        touches = order.referrer_ids.sorted("position")
        self.assertEqual(touches.mapped("channel_type"), ["organic_search"])

    def test_cart_of_direct_visitor_is_direct(self):
        """A visitor who never came from elsewhere gets a Direct touch when
        the cart is created."""
        self._visit("/shop")
        self._visit(
            f"/shop/{self.product_template.id}", referrer=f"{self.base_url()}/shop"
        )
        order = self._add_to_cart_and_get_order()
        self.assertEqual(order.referrer_ids.mapped("channel_type"), ["direct"])
        self.assertEqual(order.referrer_ids.channel_id, self.channel_direct)
        # Opening the cart again adds no second direct touch.
        self.url_open("/shop/cart")
        self.assertEqual(len(order.referrer_ids), 1)


@tagged("post_install", "-at_install")
class TestAnonymousVisitsNoSession(HttpCase):
    """A plain anonymous page view stores nothing: no session file, no cookie."""

    def setUp(self):
        super().setUp()
        self.opener.headers["User-Agent"] = BROWSER

    def _session_files(self):
        root = http.root.session_store.path
        return set(glob.glob(os.path.join(root, "*", "*")))

    def _anonymous_get(self, path, **kwargs):
        self.opener.cookies.pop("session_id", None)
        response = self.url_open(path, allow_redirects=False, **kwargs)
        self.assertEqual(response.status_code, 200, path)
        return response

    def _stored(self, response):
        """Whether the session the response names was written to disk."""
        sid = response.cookies.get("session_id")
        return bool(sid) and os.path.exists(
            http.root.session_store.get_session_filename(sid)
        )

    def test_twenty_plain_visits_create_no_session(self):
        """20 anonymous GETs without referrer, UTM nor click id: no session
        file is written (Odoo still names a fresh, unsaved session in its
        cookie, for the page's CSRF token). /shop is left out: Odoo's own
        website_sale stores the pricelist time in the session there."""
        before = self._session_files()
        for number in range(20):
            response = self._anonymous_get("/contactus" if number % 2 else "/")
            self.assertFalse(self._stored(response))
        self.assertEqual(self._session_files() - before, set())

    def test_internal_referrer_creates_no_session(self):
        """Navigation inside the shop (own referrer) stores nothing either."""
        before = self._session_files()
        response = self._anonymous_get(
            "/contactus", headers={"Referer": f"{self.base_url()}/"}
        )
        self.assertFalse(self._stored(response))
        self.assertEqual(self._session_files() - before, set())

    def test_visit_from_outside_is_stored(self):
        """A visit with something to remember (UTM) does get its session."""
        before = self._session_files()
        response = self._anonymous_get("/contactus?utm_source=newsletter")
        self.assertTrue(self._stored(response))
        self.assertTrue(self._session_files() - before)
