import io

from werkzeug.datastructures import FileStorage

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from ..controllers.portal import read_limited_upload
from .common import PickingScannerCommon
from .rma_common import FulfilmentRmaCommon


class CountingStream(io.RawIOBase):
    """An upload that counts the bytes read from it; not seekable, so its size
    cannot be known without reading it."""

    def __init__(self, size):
        self.size = size
        self.position = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        count = min(len(buffer), self.size - self.position)
        buffer[:count] = b"0" * count
        self.position += count
        return count


@tagged("post_install", "-at_install")
class TestUploadLimit(FulfilmentRmaCommon):
    def test_photo_refused_before_read_whole(self):
        """A 50 MB photo is refused after reading at most 10 MB + 1 byte."""
        stream = CountingStream(50 * 1024 * 1024)
        upload = FileStorage(stream=io.BufferedReader(stream), filename="big.png")
        limit = 10 * 1024 * 1024
        with self.assertRaisesRegex(UserError, "too large"):
            read_limited_upload(upload, limit)
        # BufferedReader reads ahead by its buffer size at most.
        self.assertLessEqual(stream.position, limit + 1 + io.DEFAULT_BUFFER_SIZE)

    def test_photo_within_limit_read(self):
        """A photo within the limit is read whole."""
        upload = FileStorage(stream=io.BytesIO(b"x" * 1000), filename="ok.png")
        self.assertEqual(read_limited_upload(upload, 1000), b"x" * 1000)


@tagged("post_install", "-at_install")
class TestScannerListBadInput(PickingScannerCommon):
    def test_bad_filters_clear_error(self):
        """A bad date or carrier in the list's filters: a clear error."""
        pickings = self.env["stock.picking"].with_user(self.picker)
        for values in (
            {"scheduled_date": "2024-13-45"},
            {"scheduled_date": "tomorrow"},
            {"scheduled_date": 12},
            {"scheduled_date": ["2024-01-01"]},
            {"carrier_id": "abc"},
            {"carrier_id": "1; DROP"},
            {"carrier_id": 10**30},
            {"carrier_id": [1]},
            {"carrier_id": {"id": 1}},
        ):
            with self.assertRaises(UserError, msg=str(values)):
                pickings.fulfilment_scanner_pickings(**values)

    def test_good_filters_still_work(self):
        """A date as text and a carrier id as text still filter."""
        _order, picking = self._create_delivery({self.product: 1})
        pickings = self.env["stock.picking"].with_user(self.picker)
        day = fields.Date.to_string(picking.scheduled_date.date())
        listed = pickings.fulfilment_scanner_pickings(scheduled_date=day)["pickings"]
        self.assertIn(picking.id, [p["id"] for p in listed])


@tagged("post_install", "-at_install")
class TestPublicPagesBadInput(FulfilmentRmaCommon, HttpCase):
    def test_warranty_verify_nul_byte(self):
        """/warranty/verify/%00 (and other non-tokens) answer 404, not 500."""
        for path in ("%00", "abc%00def", "x" * 300, "%C0%80"):
            response = self.url_open(f"/warranty/verify/{path}")
            self.assertEqual(response.status_code, 404, path)

    def test_tracking_link_http_only_in_portal(self):
        """A carrier's javascript: tracking link is not rendered in the portal;
        an https one is."""
        self._create_portal_users()
        carrier = self.env["delivery.carrier"].create(
            {
                "name": "Local Courier",
                "delivery_type": "fixed",
                "product_id": self.env["product.product"]
                .create({"name": "Local delivery", "type": "service"})
                .id,
                "tracking_url": (
                    "javascript:alert(document.cookie)//<shipmenttrackingnumber>"
                ),
            }
        )
        order = self._create_delivered_order([(self.product, 1, 100.0)])
        picking = order.picking_ids
        picking.write({"carrier_id": carrier.id, "carrier_tracking_ref": "AWB777"})
        self.env["fulfilment.tracking.event"].create(
            {
                "picking_id": picking.id,
                "order_id": order.id,
                "date": fields.Datetime.now(),
                "description": "Parcel picked up",
            }
        )
        self.authenticate("portal_ana", "portal_ana")
        page = self.url_open(f"/my/orders/{order.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Parcel picked up", page.text)
        self.assertNotIn("javascript:alert", page.text)
        self.assertFalse(order.fulfilment_tracking_url)
        carrier.tracking_url = "https://track.example.com/?awb=<shipmenttrackingnumber>"
        page = self.url_open(f"/my/orders/{order.id}")
        self.assertIn('href="https://track.example.com/?awb=AWB777"', page.text)
