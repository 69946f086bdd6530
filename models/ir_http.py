from urllib.parse import urlencode, urlsplit

from odoo import fields, models
from odoo.http import request

from .fulfilment_referrer import CLICK_ID_PARAMS, merge_touches

# The visitor's touches live in the HTTP session: stored server-side by Odoo's
# session store, shared by every worker, and gone with the session.
SESSION_KEY = "fulfilment_touches"

# Pages a visitor reaches by being sent back from a payment provider or from the
# backend: the referrer there is not where the customer came from.
EXCLUDED_PATH_PREFIXES = (
    "/payment/",
    "/shop/payment",
    "/shop/confirmation",
    "/web/",
    "/website/",
    "/@/",
)


def _hostname(url):
    if not url:
        return ""
    if "//" not in url:
        url = "//" + url
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _frontend_pre_dispatch(cls):
        result = super()._frontend_pre_dispatch()
        cls._fulfilment_capture_touch()
        return result

    @classmethod
    def _fulfilment_capture_touch(cls):
        """Record a touch for the visitor when the page was reached from outside."""
        httprequest = request.httprequest
        # Website pages (/contactus...) are served without a dispatcher.
        dispatcher = getattr(request, "dispatcher", None)
        if (
            httprequest.method != "GET"
            or getattr(dispatcher, "routing_type", "http") != "http"
            or httprequest.path.startswith(EXCLUDED_PATH_PREFIXES)
            or request.env["ir.http"].is_a_bot()
        ):
            return
        touch = cls._fulfilment_touch_from_request()
        if not touch:
            # Nothing to remember: the session is left alone, so a plain
            # anonymous page view creates no session (no file, no cookie).
            return
        touches = request.session.get(SESSION_KEY) or []
        new_touches = merge_touches([*touches, touch])
        if new_touches != touches:
            request.session[SESSION_KEY] = new_touches

    @classmethod
    def _fulfilment_own_hosts(cls):
        """Host names of this shop: a referrer from one of them is internal."""
        hosts = {_hostname(request.httprequest.host)}
        websites = request.env["website"].sudo().search([("domain", "!=", False)])
        hosts.update(_hostname(domain) for domain in websites.mapped("domain"))
        return hosts - {""}

    @classmethod
    def _fulfilment_touch_from_request(cls):
        """The touch the current request makes, as a plain dict, or ``None``
        when the visit comes from nowhere in particular (no external referrer,
        no UTM parameter, no click id: the cart records it as direct).

        Only what says where the visit comes from is kept: the referrer without
        its query string, the landing path with its UTM parameters, and the name
        (never the value) of an ad network's click id.
        """
        httprequest = request.httprequest
        referrer = (httprequest.referrer or "").strip()
        host = _hostname(referrer)
        if referrer and (not host or host == _hostname(httprequest.host)):
            return None  # internal navigation (or an unreadable referrer)
        if host and host in cls._fulfilment_own_hosts():
            return None
        args = httprequest.args
        utm = {
            key: (args.get(f"utm_{key}") or "").strip()[:100]
            for key in ("source", "medium", "campaign")
        }
        click_id = next((param for param in CLICK_ID_PARAMS if args.get(param)), "")
        if not (host or any(utm.values()) or click_id):
            return None
        return cls._fulfilment_make_touch(host, referrer, utm, click_id)

    @classmethod
    def _fulfilment_make_touch(cls, host="", referrer="", utm=None, click_id=""):
        """A touch of the current request (a direct one without arguments)."""
        httprequest = request.httprequest
        utm = utm or {"source": "", "medium": "", "campaign": ""}
        referrer_url = ""
        if host:
            parts = urlsplit(referrer)
            referrer_url = f"{parts.scheme or 'https'}://{parts.netloc}{parts.path}"[
                :500
            ]
        query = urlencode({f"utm_{key}": value for key, value in utm.items() if value})
        landing = httprequest.path + (f"?{query}" if query else "")
        return {
            "time": fields.Datetime.to_string(fields.Datetime.now()),
            "referrer": referrer_url,
            "host": host,
            "landing": landing[:500],
            **utm,
            "click_id": click_id,
        }
