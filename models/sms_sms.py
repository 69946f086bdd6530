import json
import logging
import time

import requests

from odoo import _, api, models

_logger = logging.getLogger(__name__)

SMS_GATEWAY_TIMEOUT = 15  # seconds, for connecting and for each read
DEFAULT_SMS_BODY_TEMPLATE = (
    '{"from": "{sender}", "to": "{number}", "text": "{message}", '
    '"reference": "{reference}"}'
)


class SmsSms(models.Model):
    _inherit = "sms.sms"

    @api.model
    def _fulfilment_gateway_config(self):
        """The HTTP SMS gateway settings, or None when Odoo's IAP is used."""
        params = self.env["ir.config_parameter"].sudo()
        if params.get_param("order_fulfilment.sms_provider", "iap") != "http":
            return None
        return {
            "url": params.get_param("order_fulfilment.sms_gateway_url", ""),
            "auth": params.get_param("order_fulfilment.sms_gateway_auth", "bearer"),
            "username": params.get_param("order_fulfilment.sms_gateway_username", ""),
            "secret": params.get_param("order_fulfilment.sms_gateway_secret", ""),
            "sender": params.get_param("order_fulfilment.sms_gateway_sender", ""),
            "body": params.get_param(
                "order_fulfilment.sms_gateway_body", DEFAULT_SMS_BODY_TEMPLATE
            ),
        }

    @api.model
    def _fulfilment_queue_to_customers(self, records, template=None, body=None):
        """Queue an SMS to the customer (``partner_id``) of each of ``records``,
        from ``template`` or with the text ``body``, logged on the record, and
        wake the SMS scheduler to send them.

        The SMS leave after the transaction commits, so a failing gateway
        never blocks or undoes the change they announce.
        """
        if not records:
            return
        # The sender does not become a follower of the records (followers get
        # a copy of every later customer message).
        for record in records.with_context(mail_create_nosubscribe=True):
            if template:
                record._message_sms_with_template(
                    template=template,
                    partner_ids=record.partner_id.ids,
                    put_in_queue=True,
                )
            else:
                record._message_sms(
                    body, partner_ids=record.partner_id.ids, put_in_queue=True
                )
        cron = self.env.ref(
            "sms.ir_cron_sms_scheduler_action", raise_if_not_found=False
        )
        if cron:
            cron.sudo()._trigger()

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        config = self._fulfilment_gateway_config()
        if config is None:
            return super()._send(
                unlink_failed=unlink_failed,
                unlink_sent=unlink_sent,
                raise_exception=raise_exception,
            )
        for sms in self:
            error = sms._fulfilment_send_through_gateway(config)
            sms_sudo = sms.sudo().with_context(sms_skip_msg_notification=True)
            if error is None:
                sms_sudo.sms_tracker_id._action_update_from_sms_state("sent")
                sms_sudo.write(
                    {"state": "sent", "failure_type": False, "to_delete": unlink_sent}
                )
            else:
                _logger.info("SMS %s not sent through the gateway: %s", sms.id, error)
                sms_sudo.sms_tracker_id._action_update_from_sms_state(
                    "error", failure_type="sms_server", failure_reason=error
                )
                sms_sudo.write(
                    {
                        "state": "error",
                        "failure_type": "sms_server",
                        "to_delete": unlink_failed,
                    }
                )
                sms._fulfilment_log_failure(error)
                if raise_exception:
                    raise requests.RequestException(error)
        self.mail_message_id._notify_message_notification_update()

    def _fulfilment_gateway_payload(self, config):
        """The JSON body for this SMS, from the configurable body template.

        The template is parsed as JSON first and the placeholders are replaced in
        its string values, so a message with quotes or newlines stays valid JSON.
        """
        self.ensure_one()
        values = {
            "{number}": self.number or "",
            "{message}": self.body or "",
            "{sender}": config["sender"] or "",
            "{reference}": self.uuid or "",
        }

        def fill(node):
            if isinstance(node, dict):
                return {key: fill(value) for key, value in node.items()}
            if isinstance(node, list):
                return [fill(value) for value in node]
            if isinstance(node, str):
                for placeholder, value in values.items():
                    node = node.replace(placeholder, value)
                return node
            return node

        return fill(json.loads(config["body"]))

    def _fulfilment_send_through_gateway(self, config):
        """Send one SMS; return None on success or the error text."""
        self.ensure_one()
        if not config["url"]:
            return _("The SMS gateway URL is not configured.")
        try:
            payload = self._fulfilment_gateway_payload(config)
        except ValueError as exc:
            return _("The SMS gateway body template is not valid JSON: %s", exc)
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        auth = None
        if config["auth"] == "bearer" and config["secret"]:
            headers["Authorization"] = f"Bearer {config['secret']}"
        elif config["auth"] == "basic":
            auth = (config["username"], config["secret"])
        # One retry, and only when the connection could not even be opened:
        # the gateway cannot have received that request, so no SMS is doubled.
        for attempt in range(2):
            try:
                response = requests.post(
                    config["url"],
                    json=payload,
                    headers=headers,
                    auth=auth,
                    timeout=SMS_GATEWAY_TIMEOUT,
                )
            except requests.exceptions.ConnectTimeout:
                return _("The SMS gateway did not accept the connection in time.")
            except requests.exceptions.Timeout:
                return _(
                    "The SMS gateway did not answer in time; "
                    "the SMS may have been sent."
                )
            except requests.exceptions.ConnectionError as exc:
                if attempt == 0 and _is_connection_refused(exc):
                    time.sleep(0.5)
                    continue
                # The exception names the gateway's URL (and may carry its key):
                # the server log keeps it, the chatter gets a generic message.
                _logger.warning("SMS gateway unreachable: %s", exc)
                return _(
                    "The SMS gateway could not be reached (connection error; "
                    "details in the server log)."
                )
            break
        if response.ok:
            return None
        return _(
            "The SMS gateway refused the message (HTTP %(status)s): %(detail)s",
            status=response.status_code,
            detail=_gateway_error_detail(response)[:500],
        )

    def _fulfilment_log_failure(self, error):
        """Write the gateway's refusal on the document the SMS was about."""
        self.ensure_one()
        message = self.mail_message_id
        if not message.model or not message.res_id or message.model not in self.env:
            return
        record = self.env[message.model].browse(message.res_id).exists()
        if record and hasattr(record, "_message_log"):
            record.sudo()._message_log(
                body=_(
                    "SMS to %(number)s failed: %(error)s",
                    number=self.number,
                    error=error,
                )
            )


def _gateway_error_detail(response):
    """The gateway's error text: the ``error`` or ``message`` of a JSON object,
    a JSON string itself, else the raw body (a list, HTML, plain text)."""
    try:
        detail = response.json()
    except ValueError:
        return response.text
    if isinstance(detail, dict):
        detail = detail.get("error") or detail.get("message")
    return detail if isinstance(detail, str) and detail else response.text


def _is_connection_refused(exc):
    """Whether a requests ConnectionError happened before anything was sent."""
    cause = exc.args[0] if exc.args else None
    reason = getattr(cause, "reason", None)
    return reason is not None and type(reason).__name__ == "NewConnectionError"
