"""FAN Courier REST API v2 (https://api.fancourier.ro/)."""

from datetime import datetime, timedelta, timezone

from .base import (
    BUCHAREST,
    CourierAuthError,
    CourierClient,
    CourierCounty,
    CourierError,
    CourierLocality,
    Quote,
    TrackingEvent,
    decode_label,
    is_pdf,
    parse_local_time,
)
from .cod_report import CodRepayment, courier_amount, courier_date

# FAN lists at most 100 AWBs per page, whatever perPage asks for.
LIST_PAGE_SIZE = 100
MAX_LIST_PAGES = 500  # a day of 50,000 AWBs
# A shipment created by an attempt is dated within this span after the
# attempt's lookup start (its timeouts and a margin).
LOOKUP_SPAN = timedelta(hours=1)


class FanCourierClient(CourierClient):
    """FAN Courier: bearer token from ``login``, ``clientId`` in every call.

    Credentials: ``username``, ``password``, ``client_id``. The shop's reference
    travels in ``info.costCenter`` so that a shipment can be found again by it.
    """

    name = "FAN Courier"
    production_url = "https://api.fancourier.ro/"
    supports_quote = True
    supports_localities = True

    def _login(self):
        response = self._send(
            "POST",
            "login",
            secret_answer=True,
            data={
                "username": self.credentials["username"],
                "password": self.credentials["password"],
            },
        )
        payload = self._json(response) if response.content else {}
        data = payload.get("data") or {}
        if response.status_code != 200 or not data.get("token"):
            raise CourierAuthError(
                f"{self.name} refused the login: "
                f"{payload.get('message') or response.status_code}",
                raw=payload,
            )
        expires_at = (
            parse_local_time(data["expiresAt"]) if data.get("expiresAt") else None
        )
        return data["token"], expires_at

    @property
    def client_id(self):
        return str(self.credentials["client_id"])

    def _check(self, response):
        payload = self._json(response)
        if response.status_code >= 400 or payload.get("status") == "error":
            raise CourierError(
                f"{self.name}: {self._message(payload)}",
                code=str(response.status_code),
                raw=payload,
            )
        return payload

    @staticmethod
    def _message(payload):
        errors = payload.get("errors") if isinstance(payload, dict) else None
        if isinstance(errors, dict) and errors:
            return "; ".join(f"{key}: {_join(value)}" for key, value in errors.items())
        if isinstance(errors, list) and errors:
            return "; ".join(map(str, errors))
        if isinstance(payload, dict) and payload.get("message"):
            return str(payload["message"])
        return "unknown error"

    # -- shipments -------------------------------------------------------------

    def _shipment_payload(self, request):
        recipient = request.recipient
        return {
            "clientId": self.client_id,
            "shipments": [
                {
                    "info": {
                        "service": request.service or "Standard",
                        "packages": {
                            "parcel": len(request.parcels) or 1,
                            "envelope": 0,
                        },
                        "weight": request.total_weight,
                        "cod": round(request.cod_amount, 2),
                        "currency": request.currency,
                        "declaredValue": round(request.declared_value, 2),
                        "payment": "recipient"
                        if request.payer == "recipient"
                        else "sender",
                        "observation": request.observation,
                        "content": request.content,
                        "costCenter": request.reference,
                        "dimensions": {
                            "length": max(
                                (p.length for p in request.parcels), default=0
                            ),
                            "width": max((p.width for p in request.parcels), default=0),
                            "height": max(
                                (p.height for p in request.parcels), default=0
                            ),
                        },
                        "options": ["X"] if request.cod_amount else [],
                    },
                    "recipient": {
                        "name": recipient.name,
                        "contactPerson": recipient.contact_name or recipient.name,
                        "phone": recipient.phone,
                        "email": recipient.email,
                        "address": {
                            "county": recipient.county,
                            "locality": recipient.city,
                            "street": recipient.street,
                            "streetNo": str(recipient.street_no or ""),
                            "zipCode": recipient.zip_code,
                            "pickupLocationId": request.pickup_point or None,
                        },
                    },
                }
            ],
        }

    def create_shipment(self, request):
        response = self._request(
            "POST", "intern-awb", json=self._shipment_payload(request)
        )
        payload = self._check(response)
        items = payload.get("response") or []
        if not items:
            raise CourierError(
                f"{self.name} returned no shipment.", raw=payload, maybe_done=True
            )
        item = items[0]
        # A refused shipment comes back with HTTP 200: awbNumber null + errors.
        # Without errors, an answer without AWB is no clear refusal.
        if not item.get("awbNumber") or item.get("errors"):
            raise CourierError(
                f"{self.name}: {self._message(item)}",
                raw=item,
                maybe_done=not item.get("errors"),
            )
        return self._result(str(item["awbNumber"]), item.get("tariff"), raw=item)

    def find_shipment(self, reference, created_after=None):
        """The shipment whose ``costCenter`` is ``reference``, from FAN's list
        of the AWBs of each day (Bucharest days, as FAN dates its AWBs) from
        ``created_after`` to ``LOOKUP_SPAN`` later, every page of it."""
        start = created_after or datetime.now(timezone.utc) - LOOKUP_SPAN
        day = start.astimezone(BUCHAREST).date()
        last_day = (start + LOOKUP_SPAN).astimezone(BUCHAREST).date()
        while day <= last_day:
            for item in self._day_list(day):
                info = item.get("info") or {}
                if info.get("costCenter") == reference and info.get("awbNumber"):
                    # The list gives the AWB's price as "cost" ("tariff" is the
                    # creation answer's name for it).
                    return self._result(
                        str(info["awbNumber"]), info.get("cost"), raw=item
                    )
            day += timedelta(days=1)
        return None

    def _day_list(self, day):
        """Every AWB FAN dated ``day``, page after page."""
        page = 1
        while True:
            payload = self._check(
                self._request(
                    "GET",
                    "reports/awb",
                    params={
                        "clientId": self.client_id,
                        "date": day.isoformat(),
                        "page": page,
                        "perPage": LIST_PAGE_SIZE,
                    },
                )
            )
            items = payload.get("data") or []
            yield from items
            per_page = int(payload.get("perPage") or LIST_PAGE_SIZE)
            total = int(payload.get("total") or 0)
            if (
                len(items) < per_page
                or (total and page * per_page >= total)
                or page >= MAX_LIST_PAGES
            ):
                return
            page += 1

    def get_label(self, awb, label_format="A4"):
        response = self._request(
            "GET",
            "awb/label",
            params={
                "clientId": self.client_id,
                "awbs[]": [awb],
                "pdf": 1,
                "format": "A6" if label_format == "A6" else "A4",
            },
        )
        if is_pdf(response.content):
            return response.content
        payload = self._check(response)
        return decode_label(payload.get("data") or b"")

    def track(self, awbs):
        response = self._request(
            "GET",
            "reports/awb/tracking",
            params={"clientId": self.client_id, "awb[]": list(awbs)},
        )
        payload = self._check(response)
        result = {awb: [] for awb in awbs}
        for item in payload.get("data") or []:
            awb = str(
                item.get("awbNumber") or (item.get("info") or {}).get("awbNumber")
            )
            result[awb] = [
                TrackingEvent(
                    awb=awb,
                    code=str(event.get("id")),
                    description=event.get("name") or "",
                    location=event.get("location") or "",
                    time=parse_local_time(event["date"]),
                    raw=event,
                )
                for event in item.get("events") or []
            ]
        return result

    def cancel(self, awb, shipment_id=""):
        response = self._request(
            "DELETE", "awb", params={"clientId": self.client_id, "awb": awb}
        )
        self._check(response)

    def quote(self, request):
        """FAN Courier's tariff of an internal shipment (``GET
        reports/awb/internal-tariff``, the shipment in nested query keys):
        ``costNoVAT`` without VAT, ``total`` with it."""
        recipient, sender = request.recipient, request.sender
        params = {
            "clientId": self.client_id,
            "info[service]": request.service or "Standard",
            "info[payment]": "recipient" if request.payer == "recipient" else "sender",
            "info[weight]": request.total_weight,
            "info[packages][parcel]": len(request.parcels) or 1,
            "recipient[locality]": recipient.city,
            "recipient[county]": recipient.county,
        }
        if request.parcels:
            params["info[dimensions][length]"] = max(p.length for p in request.parcels)
            params["info[dimensions][width]"] = max(p.width for p in request.parcels)
            params["info[dimensions][height]"] = max(p.height for p in request.parcels)
        if request.declared_value:
            params["info[declaredValue]"] = round(request.declared_value, 2)
        if request.cod_amount:
            params["info[options][]"] = ["X"]
        if sender and sender.city:
            params["sender[locality]"] = sender.city
            params["sender[county]"] = sender.county
        payload = self._check(
            self._request("GET", "reports/awb/internal-tariff", params=params)
        )
        data = payload.get("data") or {}
        if data.get("costNoVAT") is None:
            raise CourierError(f"{self.name}: {self._message(data)}", raw=payload)
        return Quote(
            price=float(data["costNoVAT"]),
            price_with_vat=float(data.get("total") or 0.0),
            currency="RON",
            raw=payload,
        )

    def counties(self):
        payload = self._check(self._request("GET", "reports/counties"))
        return [
            CourierCounty(id=str(item.get("id") or item["name"]), name=item["name"])
            for item in payload.get("data") or []
        ]

    def localities(self, county):
        payload = self._check(
            self._request("GET", "reports/localities", params={"county": county.name})
        )
        return [
            CourierLocality(
                id=str(item["id"]),
                name=item["name"],
                county_id=county.id,
                raw=item,
            )
            for item in payload.get("data") or []
        ]

    @classmethod
    def tracking_url(cls, awb):
        return f"https://www.fancourier.ro/awb-tracking/?tracking={awb}"

    # -- cash-on-delivery repayments ------------------------------------------
    # ``GET reports/bank-transfers?clientId&date=YYYY-MM-DD&page&perPage``: the
    # COD amounts FAN transferred on one day (the only filter: there is no date
    # range), paged, answered as ``{status, data[], total, perPage,
    # currentPage}``; each item ``{info: {awbNumber, awbDate, amountCollected,
    # content, transferDate, transactionDate, transactionType, returnAwbNumber,
    # reimbursementAwbNumber}, recipient: {name, contactPerson, address:
    # {locality}}, sender: {...}}`` with dates as ``dd.mm.yyyy``.
    # Source: the public PHP client shusaura85/fancourier-api
    # (Request/GetBankTransfers.php, Response/GetBankTransfers.php and the sample
    # answer in Objects/BankTransfer.php), which also notes that the API caps
    # ``perPage`` at 100. Unverified: the page numbering starting at 1, and
    # whether amounts may come as strings (read either way).

    supports_cod_report = True
    cod_report_page_size = 100
    cod_report_max_pages = 50  # per day: a broken answer cannot loop forever

    def cod_repayments(self, date_from, date_to):
        repayments = []
        day = date_from
        while day <= date_to:
            repayments.extend(self._bank_transfers_of(day))
            day += timedelta(days=1)
        return repayments

    def _bank_transfers_of(self, day):
        repayments = []
        for page in range(1, self.cod_report_max_pages + 1):
            payload = self._check(
                self._request(
                    "GET",
                    "reports/bank-transfers",
                    params={
                        "clientId": self.client_id,
                        "date": day.isoformat(),
                        "page": page,
                        "perPage": self.cod_report_page_size,
                    },
                )
            )
            items = payload.get("data") or []
            repayments.extend(self._bank_transfer(item, day) for item in items)
            if not items or len(repayments) >= int(payload.get("total") or 0):
                return repayments
        raise CourierError(
            f"{self.name}: more than {self.cod_report_max_pages} pages of bank "
            f"transfers on {day.isoformat()}."
        )

    @staticmethod
    def _bank_transfer(item, day):
        info = item.get("info") or {}
        recipient = item.get("recipient") or {}
        return CodRepayment(
            awb=str(info.get("awbNumber") or ""),
            amount=courier_amount(info.get("amountCollected") or 0),
            # The day asked for is the transfer's when the item omits it.
            transferred_on=courier_date(info.get("transferDate")) or day,
            collected_on=courier_date(info.get("transactionDate")),
            client_reference=str(info.get("content") or ""),
            recipient=str(recipient.get("name") or ""),
            raw=item,
        )


def _join(value):
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
