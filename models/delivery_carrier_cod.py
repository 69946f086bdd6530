"""COD repayment reports of the courier carriers (FAN Courier, Cargus APIs)."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..couriers import CLIENTS, CourierError


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    fulfilment_cod_report_api = fields.Boolean(
        string="Repayment Report by API",
        compute="_compute_fulfilment_cod_report_api",
        help="The courier publishes its cash-on-delivery repayment report through "
        "its API; otherwise the report's file is uploaded.",
    )

    @api.depends("delivery_type")
    def _compute_fulfilment_cod_report_api(self):
        for carrier in self:
            client_class = CLIENTS.get(carrier.delivery_type)
            carrier.fulfilment_cod_report_api = bool(
                client_class and client_class.supports_cod_report
            )

    def _fulfilment_cod_repayments(self, date_from, date_to):
        """The COD amounts the courier transferred between two dates (both
        included), from its API; the exchanges are logged.

        :rtype: list of ``couriers.cod_report.CodRepayment``
        :raise UserError: the courier has no such API, refused or did not answer
        """
        self.ensure_one()
        if not self.fulfilment_cod_report_api:
            raise UserError(
                _(
                    "%s publishes no repayment report through its API: upload the "
                    "file exported from its portal.",
                    self.name,
                )
            )
        exchanges = []
        client = self._fulfilment_client(
            on_exchange=lambda *exchange: exchanges.append(exchange)
        )
        try:
            return client.cod_repayments(date_from, date_to)
        except CourierError as exc:
            raise UserError(
                _(
                    "%(courier)s did not give its repayment report: %(reason)s",
                    courier=self.name,
                    reason=exc.message,
                )
            ) from exc
        finally:
            self.env["fulfilment.courier.log"]._store_detached(self, None, exchanges)
