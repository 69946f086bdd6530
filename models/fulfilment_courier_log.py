from odoo import api, fields, models


class FulfilmentCourierLog(models.Model):
    """What was sent to a courier and what came back, secrets redacted."""

    _name = "fulfilment.courier.log"
    _description = "Courier API Exchange"
    _order = "id desc"
    _rec_name = "url"

    carrier_id = fields.Many2one("delivery.carrier", ondelete="cascade", index=True)
    picking_id = fields.Many2one("stock.picking", ondelete="set null", index=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    method = fields.Char()
    url = fields.Char(string="URL")
    request_body = fields.Text(string="Sent")
    status_code = fields.Integer(string="HTTP Status")
    response_body = fields.Text(string="Received")
    duration = fields.Float(string="Duration (s)", digits=(16, 3))

    @api.model
    def _store_detached(self, carrier, picking, exchanges):
        """Keep the exchanges even when the request that made them rolls back."""
        self._store_detached_many([(carrier, picking, exchanges)])

    @api.model
    def _store_detached_many(self, batches):
        """Same for several (carrier, picking, exchanges), in one transaction."""
        values = self._values(batches)
        if not values:
            return
        with self.env.registry.cursor() as cr:
            self._insert(cr, values)

    @api.model
    def _insert(self, cr, values):
        """Insert exchanges through ``cr`` in one statement.

        :param values: list of dicts with every stored field of the log
        """
        if not values:
            return
        names = list(values[0])
        fields_ = [self._fields[name] for name in names]
        row = "({}, %s, %s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')".format(
            ", ".join(["%s"] * len(names))
        )
        params = []
        for vals in values:
            params += [
                field.convert_to_column_insert(vals[field.name], self)
                for field in fields_
            ]
            params += [self.env.uid, self.env.uid]
        cr.execute(
            "INSERT INTO fulfilment_courier_log ({}, create_uid, write_uid, "
            "create_date, write_date) VALUES {}".format(
                ", ".join(names), ", ".join([row] * len(values))
            ),
            params,
        )

    @api.model
    def _values(self, batches):
        """The values of the logs of several (carrier, picking, exchanges)."""
        return [
            {
                "carrier_id": carrier.id,
                "picking_id": picking.id if picking else False,
                "company_id": (picking or carrier).company_id.id or self.env.company.id,
                "method": method,
                "url": url,
                "request_body": sent,
                "status_code": status or 0,
                "response_body": received,
                "duration": duration,
            }
            for carrier, picking, exchanges in batches
            for method, url, sent, status, received, duration in exchanges
        ]

    @api.autovacuum
    def _gc_old_logs(self):
        """Keep 90 days of exchanges."""
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=90)
        self.search([("create_date", "<", limit)]).unlink()
