"""Couriers receive the locality and county as their nomenclature spells them.

Sameday, Cargus and FAN Courier publish their lists of counties and
localities; a weekly job keeps a copy per carrier
(``fulfilment.courier.county`` / ``fulfilment.courier.locality``), and the
request of an AWB or of a price quote carries the courier's spelling (and
its ids, for the couriers that take them) of the delivery address's
locality. An address the courier's list does not have goes as written.
"""

import dataclasses
import logging
from datetime import timedelta

from odoo import _, api, fields, models

from ..couriers import CLIENTS, Address, CourierCounty, CourierError
from ..shipping.localities import bucharest_sector, locality_key, match_locality

_logger = logging.getLogger(__name__)

REFRESH_DAYS = 7  # the lists are asked for again after a week
COUNTY_BATCH = 20  # counties whose localities one run of the job asks for


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    fulfilment_county_ids = fields.One2many(
        "fulfilment.courier.county", "carrier_id", string="Courier Counties"
    )
    fulfilment_counties_refreshed_at = fields.Datetime(
        string="Courier Localities Refreshed", readonly=True, copy=False
    )
    fulfilment_counties_attempted_at = fields.Datetime(readonly=True, copy=False)
    fulfilment_has_localities = fields.Boolean(
        compute="_compute_fulfilment_has_localities"
    )
    fulfilment_locality_count = fields.Integer(
        compute="_compute_fulfilment_locality_count"
    )

    @api.depends("delivery_type")
    def _compute_fulfilment_has_localities(self):
        for carrier in self:
            client = CLIENTS.get(carrier.delivery_type)
            carrier.fulfilment_has_localities = bool(
                client and client.supports_localities
            )

    def _compute_fulfilment_locality_count(self):
        counts = dict(
            self.env["fulfilment.courier.locality"]._read_group(
                [("carrier_id", "in", self.ids)], ["carrier_id"], ["__count"]
            )
        )
        for carrier in self:
            carrier.fulfilment_locality_count = counts.get(carrier, 0)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_fulfilment_refresh_localities(self):
        """Ask the courier for its lists again, in the background, now."""
        self.write(
            {
                "fulfilment_counties_refreshed_at": False,
                "fulfilment_counties_attempted_at": False,
            }
        )
        self.fulfilment_county_ids.write(
            {"localities_refreshed_at": False, "localities_attempted_at": False}
        )
        self.env.ref(
            "order_fulfilment.ir_cron_fulfilment_refresh_localities"
        )._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": _(
                    "The courier's counties and localities are being downloaded "
                    "in the background."
                ),
                "sticky": False,
            },
        }

    def action_fulfilment_view_localities(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Localities of %s", self.name),
            "res_model": "fulfilment.courier.locality",
            "view_mode": "list",
            "domain": [("carrier_id", "=", self.id)],
            "context": {"search_default_group_county": 1},
        }

    # ------------------------------------------------------------
    # The refresh job
    # ------------------------------------------------------------

    @api.model
    def _cron_fulfilment_refresh_localities(self, limit=COUNTY_BATCH):
        """Copy the couriers' counties and localities, ``limit`` counties per run.

        A carrier's county list is asked for when a week old, then the
        localities of each of its counties, ``limit`` counties per run; the
        scheduler runs the job again at once while counties remain. The job
        runs daily and finds nothing to do while the copies are fresh; a run
        that failed (e.g. a concurrent update of the carrier) is retried the
        next day, a courier that did not answer when its copy is a week old.
        """
        now = fields.Datetime.now()
        stale = now - timedelta(days=REFRESH_DAYS) + timedelta(hours=1)
        types = [code for code, client in CLIENTS.items() if client.supports_localities]
        carriers = self.search(
            [
                ("delivery_type", "in", types),
                "|",
                ("fulfilment_counties_refreshed_at", "=", False),
                ("fulfilment_counties_refreshed_at", "<", stale),
                "|",
                ("fulfilment_counties_attempted_at", "=", False),
                ("fulfilment_counties_attempted_at", "<", stale),
            ]
        )
        done = sum(1 for carrier in carriers if carrier._fulfilment_refresh_counties())
        County = self.env["fulfilment.courier.county"]
        pending = [
            ("carrier_id.delivery_type", "in", types),
            ("carrier_id.active", "=", True),
            "|",
            ("localities_refreshed_at", "=", False),
            ("localities_refreshed_at", "<", stale),
            "|",
            ("localities_attempted_at", "=", False),
            ("localities_attempted_at", "<", stale),
        ]
        batch = County.search(pending, limit=limit, order="carrier_id, id")
        for county in batch:
            county.carrier_id._fulfilment_refresh_localities(county)
        self.env["ir.cron"]._notify_progress(
            done=done + len(batch), remaining=County.search_count(pending)
        )

    def _fulfilment_refresh_counties(self):
        """Copy the courier's county list; True when the courier gave it."""
        self.ensure_one()
        now = fields.Datetime.now()
        self.fulfilment_counties_attempted_at = now
        try:
            with self._fulfilment_job_client() as client:
                counties = client.counties()
        except CourierError as exc:
            _logger.warning("%s did not give its counties: %s", self.name, exc.message)
            return False
        states = self.country_ids.state_ids or self.env.ref("base.ro").state_ids
        by_code = {state.code.upper(): state for state in states}
        by_name = {locality_key(state.name): state for state in states}
        existing = {county.courier_ref: county for county in self.fulfilment_county_ids}
        creates = []
        for county in counties:
            values = {
                "name": county.name,
                "code": county.code,
                "state_id": (
                    by_code.get(county.code.upper())
                    or by_name.get(locality_key(county.name))
                    or states.browse()
                ).id,
            }
            record = existing.pop(county.id, None)
            if record is None:
                creates.append(
                    {**values, "carrier_id": self.id, "courier_ref": county.id}
                )
            elif _differs(record, values):
                record.write(values)
        self.env["fulfilment.courier.county"].create(creates)
        self.env["fulfilment.courier.county"].union(*existing.values()).unlink()
        self.fulfilment_counties_refreshed_at = now
        return True

    def _fulfilment_refresh_localities(self, county):
        """Copy the courier's localities of ``county``; True when it gave them."""
        self.ensure_one()
        now = fields.Datetime.now()
        county.localities_attempted_at = now
        try:
            with self._fulfilment_job_client() as client:
                localities = client.localities(
                    CourierCounty(
                        id=county.courier_ref, name=county.name, code=county.code
                    )
                )
        except CourierError as exc:
            _logger.warning(
                "%s did not give the localities of %s: %s",
                self.name,
                county.name,
                exc.message,
            )
            return False
        Locality = self.env["fulfilment.courier.locality"]
        # A locality the courier moved to another county keeps its record.
        existing = {
            locality.courier_ref: locality
            for locality in county.locality_ids
            | Locality.search(
                [
                    ("carrier_id", "=", self.id),
                    ("courier_ref", "in", [item.id for item in localities]),
                ]
            )
        }
        creates = []
        for item in localities:
            values = {
                "county_id": county.id,
                "name": item.name,
                "postal_code": item.postal_code or False,
                "parent_name": item.parent_name or False,
            }
            record = existing.pop(item.id, None)
            if record is None:
                creates.append(
                    {**values, "carrier_id": self.id, "courier_ref": item.id}
                )
            elif _differs(record, values):
                record.write(values)
        Locality.create(creates)
        Locality.union(*existing.values()).filtered(
            lambda locality: locality.county_id == county
        ).unlink()
        county.localities_refreshed_at = now
        return True

    # ------------------------------------------------------------
    # Addresses in the courier's words
    # ------------------------------------------------------------

    def _fulfilment_courier_place(self, partner):
        """The courier's locality of ``partner``'s address
        (``fulfilment.courier.locality``), or an empty recordset when the
        courier's list does not have it or this carrier keeps none."""
        self.ensure_one()
        Locality = self.env["fulfilment.courier.locality"].sudo()
        if not partner.state_id:
            return Locality
        city = partner.city_id.name or partner.city or ""
        zip_code = (partner.zip or "").strip()
        keys = {locality_key(city), "bucuresti"}
        sector = bucharest_sector(zip_code)
        if sector:
            keys.add(f"sector{sector}")
        domain = [
            ("carrier_id", "=", self.id),
            ("state_id", "=", partner.state_id.id),
            "|",
            ("match_key", "in", list(keys)),
        ]
        domain.append(("postal_code", "=", zip_code) if zip_code else ("id", "=", 0))
        candidates = Locality.search(domain)
        if not candidates:
            return Locality
        municipality = (
            partner.city_id.l10n_ro_municipality
            if "l10n_ro_municipality" in partner.city_id._fields
            else ""
        )
        rows = [
            {
                "id": locality.id,
                "name": locality.name,
                "postal_code": locality.postal_code or "",
                "parent_name": locality.parent_name or "",
            }
            for locality in candidates
        ]
        found = match_locality(rows, city, zip_code, municipality or "")
        return Locality.browse(found["id"]) if found else Locality

    def _fulfilment_courier_address(self, partner, address):
        """``address`` (a ``couriers.Address`` of ``partner``) with the
        locality and county as the courier spells them, and their ids."""
        self.ensure_one()
        locality = self._fulfilment_courier_place(partner)
        if not locality:
            if self.fulfilment_has_localities and partner.country_id.code == "RO":
                _logger.info(
                    "%s has no locality %s (%s) in its list: sent as written.",
                    self.name,
                    address.city,
                    address.county,
                )
            return address
        return dataclasses.replace(
            address,
            city=locality.name,
            locality_id=locality.courier_ref,
            county=locality.county_id.name,
            county_id=locality.county_id.courier_ref,
        )

    @api.model
    def _fulfilment_address_of(self, partner):
        """A ``couriers.Address`` of ``partner``, as the address form keeps it."""
        street, number = partner._fulfilment_street_parts()
        return Address(
            name=partner.name or "",
            contact_name=partner.name or "",
            street=" ".join(part for part in (street, partner.street2) if part),
            street_no=number,
            city=partner.city_id.name or partner.city or "",
            county=partner.state_id.name or "",
            zip_code=partner.zip or "",
            country_code=partner.country_id.code or "RO",
            phone=partner.mobile or partner.phone or "",
            email=partner.email or "",
        )

    def _fulfilment_shipment_request(self, picking, key):
        request = super()._fulfilment_shipment_request(picking, key)
        request.recipient = self._fulfilment_courier_address(
            picking.partner_id, request.recipient
        )
        return request


def _differs(record, values):
    """Whether writing ``values`` would change ``record``."""
    for name, value in values.items():
        current = record[name]
        if isinstance(current, models.BaseModel):
            current = current.id
        if (current or False) != (value or False):
            return True
    return False
