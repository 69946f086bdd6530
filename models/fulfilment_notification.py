from odoo import api, fields, models

NOTIFICATION_BATCH_SIZE = 200


class FulfilmentNotification(models.Model):
    """A customer notification of a status change, waiting to be sent.

    Entering a status with an e-mail or SMS template queues one row per order
    instead of rendering the messages in the transaction that changed the
    status: bulk actions (a hundred AWBs, the overdue job) stay fast, and the
    scheduler, woken at once, renders and sends them right after the commit.
    Orders that moved through several statuses before the scheduler came get
    one message, the one of the status they are in: the customer is not sent
    three e-mails for one click.
    """

    _name = "fulfilment.notification"
    _description = "Fulfilment Customer Notification"
    _order = "id"

    order_id = fields.Many2one(
        "sale.order", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    status_id = fields.Many2one("fulfilment.status", required=True, ondelete="cascade")
    author_id = fields.Many2one(
        "res.partner",
        ondelete="set null",
        help="Who changed the status: the author of the message.",
    )
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("sent", "Sent"),
            ("superseded", "Superseded"),
        ],
        default="queued",
        required=True,
        index=True,
    )
    sent_date = fields.Datetime(readonly=True)

    @api.model
    def _queue(self, orders):
        """Queue the notification of the status each order has just entered."""
        orders = orders.filtered(
            lambda order: (
                order.fulfilment_status_id.mail_template_id
                or order.fulfilment_status_id.sms_template_id
            )
        )
        if not orders:
            return self.browse()
        author = self.env.user.partner_id
        queued = self.sudo().create(
            [
                {
                    "order_id": order.id,
                    "status_id": order.fulfilment_status_id.id,
                    "author_id": author.id,
                }
                for order in orders
            ]
        )
        self.env.ref(
            "order_fulfilment.ir_cron_fulfilment_send_notifications"
        )._trigger()
        return queued

    @api.model
    def _cron_send(self, batch_size=NOTIFICATION_BATCH_SIZE):
        """Render and send the queued notifications, a batch per run.

        Per order, only the newest notification is sent, and only while the
        order is still in its status; the others are marked superseded.
        """
        domain = [("state", "=", "queued")]
        batch = self.search(domain, limit=batch_size)
        batch._send()
        self.env["ir.cron"]._notify_progress(
            done=len(batch), remaining=self.search_count(domain)
        )

    def _send(self):
        """Send these queued notifications (see :meth:`_cron_send`)."""
        newest = {}
        for notification in self.sorted("id"):
            newest[notification.order_id] = notification
        to_send = self.browse([n.id for n in newest.values()]).filtered(
            lambda n: n.order_id.fulfilment_status_id == n.status_id
        )
        (self - to_send).write({"state": "superseded"})
        for (status, author), notifications in to_send.grouped(
            lambda n: (n.status_id, n.author_id)
        ).items():
            # For the customer only: whoever changed the status signs the
            # message but does not become a follower of the order (followers
            # get a copy of every later customer message).
            orders = notifications.order_id.with_context(mail_create_nosubscribe=True)
            if status.mail_template_id:
                for order in orders:
                    order.message_post_with_source(
                        status.mail_template_id,
                        subtype_xmlid="mail.mt_comment",
                        author_id=author.id or None,
                    )
            if status.sms_template_id:
                self.env["sms.sms"]._fulfilment_queue_to_customers(
                    orders, template=status.sms_template_id
                )
        to_send.write({"state": "sent", "sent_date": fields.Datetime.now()})

    @api.autovacuum
    def _gc_notifications(self):
        """Forget notifications sent or superseded more than a month ago."""
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=30)
        self.search([("state", "!=", "queued"), ("write_date", "<", limit)]).unlink()
