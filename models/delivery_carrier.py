"""Carriers of the courier integrations: connection settings, client, token,
and Odoo's provider contract (``<type>_send_shipping`` and friends)."""

import secrets
from contextlib import contextmanager
from datetime import timezone

import requests

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..couriers import CLIENTS, CourierAuthError, CourierError
from ..couriers.base import MemoryTokenStore
from ..couriers.shipping import Connection

COURIER_TYPES = [
    ("fan_courier", "FAN Courier"),
    ("sameday", "Sameday"),
    ("cargus", "Cargus"),
    ("gls", "GLS"),
]
TEST_URLS = {
    "fan_courier": "https://api.fancourier.ro/",
    "sameday": "https://sameday-api.demo.zitec.com/",
    "cargus": "https://urgentcargus.azure-api.net/api/",
    "gls": "https://api.test.mygls.ro/",
}
# Where the courier password is sent, and the password itself: chosen by
# system administrators only (anyone else could send it to a host of theirs).
CONNECTION_FIELDS = (
    "fulfilment_api_url",
    "prod_environment",
    "fulfilment_username",
    "fulfilment_password",
    "fulfilment_client_id",
    "fulfilment_subscription_key",
    "fulfilment_webhook_secret",
    "fulfilment_token",
    "fulfilment_token_expiry",
)
# The courier's address: a token it gave is worth nothing elsewhere.
ENDPOINT_FIELDS = ("fulfilment_api_url", "prod_environment", "delivery_type")


def _naive_utc(moment):
    """An aware datetime as Odoo stores it (naive UTC); False for None."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment else False


class _CarrierTokenStore(MemoryTokenStore):
    """Keeps the courier's token on the carrier, shared by every worker.

    Written through its own cursor so that a token obtained during a request
    that is later rolled back is not lost.
    """

    def __init__(self, carrier):
        super().__init__()
        self.carrier = carrier
        if carrier.sudo().fulfilment_token:
            expiry = carrier.sudo().fulfilment_token_expiry
            self._value = (
                carrier.sudo().fulfilment_token,
                expiry.replace(tzinfo=timezone.utc) if expiry else None,
            )

    def set(self, token, expires_at):
        result = super().set(token, expires_at)
        expiry = _naive_utc(expires_at) or None
        with self.carrier.env.registry.cursor() as cr:
            cr.execute(
                """UPDATE delivery_carrier
                      SET fulfilment_token = %s, fulfilment_token_expiry = %s
                    WHERE id = %s""",
                [token or None, expiry, self.carrier.id],
            )
        self.carrier.invalidate_recordset(
            ["fulfilment_token", "fulfilment_token_expiry"]
        )
        return result


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    delivery_type = fields.Selection(
        selection_add=COURIER_TYPES,
        ondelete={code: "set default" for code, _label in COURIER_TYPES},
    )
    fulfilment_is_courier = fields.Boolean(
        compute="_compute_fulfilment_is_courier", string="Courier API"
    )

    # Connection
    fulfilment_api_url = fields.Char(
        string="API URL",
        groups="base.group_system",
        help="Leave empty to use the courier's production or test address "
        "(see Environment).",
    )
    fulfilment_username = fields.Char(string="API Username", groups="base.group_system")
    fulfilment_password = fields.Char(string="API Password", groups="base.group_system")
    fulfilment_client_id = fields.Char(
        string="Client ID",
        groups="base.group_system",
        help="FAN Courier clientId, GLS client number.",
    )
    fulfilment_subscription_key = fields.Char(
        string="Subscription Key",
        groups="base.group_system",
        help="Cargus: the Ocp-Apim-Subscription-Key of your API subscription.",
    )
    fulfilment_timeout = fields.Float(
        string="Timeout (s)", default=30.0, help="Seconds to wait for each answer."
    )
    fulfilment_token = fields.Char(groups="base.group_system", copy=False)
    fulfilment_token_expiry = fields.Datetime(groups="base.group_system", copy=False)

    # Shipment defaults
    fulfilment_service = fields.Char(
        string="Service",
        help="The courier's service: FAN 'Standard', a Sameday service id, "
        "a Cargus ServiceId (34 up to 31 kg, 35 heavier), GLS service codes.",
    )
    fulfilment_pickup_point = fields.Char(
        string="Pickup Point",
        help="Sameday pickup point id; Cargus sender location id.",
    )
    fulfilment_label_format = fields.Selection(
        [("A4", "A4"), ("A6", "10×15 thermal")],
        string="Label Size",
        default="A4",
        required=True,
    )
    fulfilment_default_weight = fields.Float(
        string="Default Parcel Weight (kg)",
        default=1.0,
        help="Used when the products of a delivery have no weight.",
    )
    fulfilment_parcel_length = fields.Float(string="Parcel Length (cm)", default=30.0)
    fulfilment_parcel_width = fields.Float(string="Parcel Width (cm)", default=20.0)
    fulfilment_parcel_height = fields.Float(string="Parcel Height (cm)", default=10.0)
    fulfilment_payer = fields.Selection(
        [("sender", "Shop"), ("recipient", "Customer")],
        string="Shipping Paid By",
        default="sender",
        required=True,
    )

    # Tracking
    fulfilment_webhook_secret = fields.Char(
        string="Webhook Secret",
        groups="base.group_system",
        copy=False,
        help="Shared secret that signs the tracking events pushed to this carrier's "
        "webhook.",
    )
    fulfilment_tracking_synced_at = fields.Datetime(
        string="Tracking Synchronised Until",
        copy=False,
        readonly=True,
        help="End of the last tracking poll. Couriers with a change feed "
        "(Sameday, Cargus) are then asked only for what changed since.",
    )
    fulfilment_webhook_url = fields.Char(
        compute="_compute_fulfilment_webhook_url", string="Webhook URL"
    )
    fulfilment_log_count = fields.Integer(compute="_compute_fulfilment_log_count")

    # Deadlines
    fulfilment_delivery_days = fields.Integer(
        string="Delivery Delay (business days)",
        help="Business days the carrier needs to deliver after the order is "
        "confirmed: gives the order's delivery deadline when it has no "
        "commitment date. 0: no deadline.",
    )

    @api.depends("delivery_type")
    def _compute_fulfilment_is_courier(self):
        for carrier in self:
            carrier.fulfilment_is_courier = carrier.delivery_type in CLIENTS

    def _compute_fulfilment_webhook_url(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for carrier in self:
            carrier.fulfilment_webhook_url = (
                f"{base_url}/fulfilment/courier/{carrier.id}/webhook"
                if carrier.id
                else ""
            )

    def _compute_fulfilment_log_count(self):
        counts = dict(
            self.env["fulfilment.courier.log"]._read_group(
                [("carrier_id", "in", self.ids)], ["carrier_id"], ["__count"]
            )
        )
        for carrier in self:
            carrier.fulfilment_log_count = counts.get(carrier, 0)

    # ------------------------------------------------------------
    # CRUD: the connection is the system administrators'
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._fulfilment_check_connection_change(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._fulfilment_check_connection_change(vals)
        result = super().write(vals)
        if "fulfilment_token" not in vals and any(
            name in vals for name in ENDPOINT_FIELDS
        ):
            # A new address must not receive the token of the old one.
            self.sudo().write(
                {"fulfilment_token": False, "fulfilment_token_expiry": False}
            )
        return result

    @api.model
    def _fulfilment_check_connection_change(self, vals):
        changed = sorted(name for name in CONNECTION_FIELDS if name in vals)
        if changed and not self.env.is_system():
            raise AccessError(
                _(
                    "Only system administrators may change the courier connection "
                    "of a carrier (%(fields)s).",
                    fields=", ".join(
                        self._fields[name].get_description(self.env)["string"]
                        for name in changed
                    ),
                )
            )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_fulfilment_generate_webhook_secret(self):
        """Issue a new webhook secret (the courier must be given it)."""
        if not self.env.is_system():
            raise AccessError(
                _("Only system administrators may change a carrier's webhook secret.")
            )
        self.check_access("write")
        for carrier in self:
            carrier.fulfilment_webhook_secret = secrets.token_urlsafe(32)

    def action_fulfilment_test_connection(self):
        """Log in to the courier with the carrier's credentials."""
        self.ensure_one()
        client = self._fulfilment_client()
        try:
            client.find_shipment("connection-test")
        except CourierAuthError as exc:
            raise UserError(
                _("The courier refused the credentials: %s", exc.message)
            ) from exc
        except CourierError as exc:
            raise UserError(
                _("The courier could not be reached: %s", exc.message)
            ) from exc
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("Connected to %s.", self.name),
                "sticky": False,
            },
        }

    def action_fulfilment_view_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "order_fulfilment.fulfilment_courier_log_action"
        )
        action["domain"] = [("carrier_id", "=", self.id)]
        return action

    # ------------------------------------------------------------
    # Client
    # ------------------------------------------------------------

    def _fulfilment_base_url(self):
        self.ensure_one()
        api_url = self.sudo().fulfilment_api_url
        if api_url:
            return api_url
        client_class = CLIENTS[self.delivery_type]
        return (
            client_class.production_url
            if self.prod_environment
            else TEST_URLS[self.delivery_type]
        )

    def _fulfilment_credentials(self):
        self.ensure_one()
        carrier = self.sudo()
        return {
            "username": carrier.fulfilment_username or "",
            "password": carrier.fulfilment_password or "",
            "client_id": carrier.fulfilment_client_id or "",
            "client_number": carrier.fulfilment_client_id or "0",
            "subscription_key": carrier.fulfilment_subscription_key or "",
            "location_id": carrier.fulfilment_pickup_point or "0",
        }

    def _fulfilment_client_class(self):
        self.ensure_one()
        if self.delivery_type not in CLIENTS:
            raise UserError(_("%s is not connected to a courier API.", self.name))
        return CLIENTS[self.delivery_type]

    def _fulfilment_client(self, on_exchange=None, session=None, token_store=None):
        """The plain-Python client of this carrier's courier.

        :param session: a ``requests.Session`` to share (a new one by default)
        :param token_store: where the client keeps its token (by default the
            carrier, saved at once in a transaction of its own)
        """
        self.ensure_one()
        return self._fulfilment_client_class()(
            self._fulfilment_base_url(),
            self._fulfilment_credentials(),
            timeout=self.fulfilment_timeout or 30.0,
            session=session or requests.Session(),
            token_store=token_store or _CarrierTokenStore(self),
            on_exchange=on_exchange,
        )

    @contextmanager
    def _fulfilment_job_client(self):
        """A client for the scheduled jobs (tracking, locality lists). Its
        exchanges are logged when done and a token it renewed is saved with
        this transaction, which writes the carrier afterwards (the feed's
        synchronisation time, the lists' refresh times): a row changed by
        another transaction since this one started could not be written by
        it any more."""
        self.ensure_one()
        exchanges = []
        connection = Connection.open(self._fulfilment_stored_token())
        try:
            yield self._fulfilment_client(
                on_exchange=lambda *exchange: exchanges.append(exchange),
                session=connection.session,
                token_store=connection.token_store,
            )
        finally:
            connection.close()
            self.env["fulfilment.courier.log"]._store_detached(self, None, exchanges)
        token = connection.renewed_token()
        if token:
            self._fulfilment_save_token(token, own_transaction=False)

    def _fulfilment_stored_token(self):
        """The ``(token, expires_at)`` kept on the carrier, or None."""
        self.ensure_one()
        return _CarrierTokenStore(self).get()

    def _fulfilment_save_token(self, token, own_transaction=True):
        """Keep a token the courier gave for the next calls.

        :param token: ``(token, expires_at)``
        :param own_transaction: save it in a transaction of its own, so that a
            rollback of the request does not lose it. A job that writes the
            carrier later in its own transaction (the tracking job) saves it
            there instead: a row changed by another transaction since this one
            started cannot be written by it any more.
        """
        self.ensure_one()
        if own_transaction:
            _CarrierTokenStore(self).set(*token)
            return
        value, expires_at = token
        self.sudo().write(
            {
                "fulfilment_token": value,
                "fulfilment_token_expiry": _naive_utc(expires_at),
            }
        )

    # ------------------------------------------------------------
    # Provider contract (see delivery/models/delivery_carrier.py): each
    # courier's <type>_* methods below; the shipments themselves are in
    # delivery_carrier_shipment.py, the tracking in delivery_carrier_tracking.py.
    # ------------------------------------------------------------

    def _fulfilment_rate_shipment(self, order):
        # The fixed price: the other price sources (rules, courier quote,
        # formula) override this; the real price comes back with the AWB.
        self.ensure_one()
        return {
            "success": True,
            "price": self.fixed_price,
            "error_message": False,
            "warning_message": False,
        }

    def _fulfilment_get_tracking_link(self, picking):
        self.ensure_one()
        if not picking.carrier_tracking_ref:
            return False
        return CLIENTS[self.delivery_type].tracking_url(picking.carrier_tracking_ref)

    def fan_courier_rate_shipment(self, order):
        return self._fulfilment_rate_shipment(order)

    def fan_courier_send_shipping(self, pickings):
        return self._fulfilment_send_shipping(pickings)

    def fan_courier_get_tracking_link(self, picking):
        return self._fulfilment_get_tracking_link(picking)

    def fan_courier_cancel_shipment(self, pickings):
        return self._fulfilment_cancel_shipment(pickings)

    def sameday_rate_shipment(self, order):
        return self._fulfilment_rate_shipment(order)

    def sameday_send_shipping(self, pickings):
        return self._fulfilment_send_shipping(pickings)

    def sameday_get_tracking_link(self, picking):
        return self._fulfilment_get_tracking_link(picking)

    def sameday_cancel_shipment(self, pickings):
        return self._fulfilment_cancel_shipment(pickings)

    def cargus_rate_shipment(self, order):
        return self._fulfilment_rate_shipment(order)

    def cargus_send_shipping(self, pickings):
        return self._fulfilment_send_shipping(pickings)

    def cargus_get_tracking_link(self, picking):
        return self._fulfilment_get_tracking_link(picking)

    def cargus_cancel_shipment(self, pickings):
        return self._fulfilment_cancel_shipment(pickings)

    def gls_rate_shipment(self, order):
        return self._fulfilment_rate_shipment(order)

    def gls_send_shipping(self, pickings):
        return self._fulfilment_send_shipping(pickings)

    def gls_get_tracking_link(self, picking):
        return self._fulfilment_get_tracking_link(picking)

    def gls_cancel_shipment(self, pickings):
        return self._fulfilment_cancel_shipment(pickings)
