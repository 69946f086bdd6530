"""Urgent Cargus REST API behind Azure API Management."""

import json
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
    parse_local_time,
)
from .cod_report import CodRepayment, courier_amount, courier_date

LIST_PAGE_SIZE = 100  # AWBs per page of Awbs/GetByDate
MAX_LIST_PAGES = 500
# A shipment created by an attempt is dated within this span after the
# attempt's lookup start (its timeouts and a margin).
LOOKUP_SPAN = timedelta(hours=1)
ROMANIA = 1  # Cargus's countryId of Romania


class CargusClient(CourierClient):
    """Cargus: subscription key on every call, bare-string bearer token.

    Credentials: ``username``, ``password``, ``subscription_key``,
    ``location_id`` (the sender's pickup location). The shop's reference
    travels in ``CustomString``.
    """

    name = "Cargus"
    production_url = "https://urgentcargus.azure-api.net/api/"
    supports_delta = True
    supports_quote = True
    supports_localities = True

    def _subscription(self):
        return {"Ocp-Apim-Subscription-Key": self.credentials["subscription_key"]}

    def _auth_headers(self, token):
        return {**self._subscription(), "Authorization": f"Bearer {token}"}

    def _login(self):
        response = self._send(
            "POST",
            "LoginUser",
            headers=self._subscription(),
            secret_answer=True,
            json={
                "UserName": self.credentials["username"],
                "Password": self.credentials["password"],
            },
        )
        token = self._json(response) if response.content else None
        if response.status_code != 200 or not isinstance(token, str) or not token:
            raise CourierAuthError(
                f"{self.name} refused the login: {self._message(token)}", raw=token
            )
        return token, None

    @staticmethod
    def _message(payload):
        # Cargus errors come as a JSON array of texts, an object or plain text.
        if isinstance(payload, list):
            return "; ".join(map(str, payload)) or "unknown error"
        if isinstance(payload, dict):
            return str(payload.get("message") or payload.get("Message") or payload)
        return str(payload or "unknown error")

    def _check(self, response):
        try:
            payload = response.json() if response.content else None
        except ValueError as exc:
            # Not Cargus's words (a proxy's page, a cut answer): no clear
            # refusal, the work may be done.
            raise CourierError(
                f"{self.name} answered something that is not JSON "
                f"(HTTP {response.status_code}).",
                code=str(response.status_code),
                raw=response.text[:2000],
                maybe_done=True,
            ) from exc
        if response.status_code >= 400:
            raise CourierError(
                f"{self.name}: {self._message(payload)}",
                code=str(response.status_code),
                raw=payload,
            )
        return payload

    def _payload(self, request):
        recipient = request.recipient
        parcel_codes = [
            {
                "Code": str(index),
                "Type": 1,
                "Weight": max(1, round(parcel.weight)),
                "Length": round(parcel.length),
                "Width": round(parcel.width),
                "Height": round(parcel.height),
            }
            for index, parcel in enumerate(request.parcels or [])
        ]
        cod = round(request.cod_amount, 2)
        return {
            "Sender": {"LocationId": int(self.credentials.get("location_id") or 0)},
            "Recipient": {
                # The nomenclature's ids when known (Cargus prefers them).
                "CountyId": int(recipient.county_id) if recipient.county_id else None,
                "LocalityId": int(recipient.locality_id)
                if recipient.locality_id
                else None,
                "Name": recipient.company_name or recipient.name,
                "CountyName": recipient.county,
                "LocalityName": recipient.city,
                "AddressText": " ".join(
                    part for part in (recipient.street, recipient.street_no) if part
                ),
                "ContactPerson": recipient.contact_name or recipient.name,
                "PhoneNumber": recipient.phone,
                "Email": recipient.email,
                "CodPostal": recipient.zip_code,
            },
            "Parcels": len(request.parcels) or 1,
            "Envelopes": 0,
            "TotalWeight": max(1, round(request.total_weight)),
            "ServiceId": int(
                request.service or (34 if request.total_weight <= 31 else 35)
            ),
            "DeclaredValue": round(request.declared_value, 2),
            "CashRepayment": cod if request.extra.get("cod_method") != "bank" else 0,
            "BankRepayment": cod if request.extra.get("cod_method") == "bank" else 0,
            "ShipmentPayer": 2 if request.payer == "recipient" else 1,
            "Observations": request.observation,
            "PackageContent": request.content,
            "CustomString": request.reference,
            "ParcelCodes": parcel_codes,
        }

    def create_shipment(self, request):
        # Awbs/WithGetAwb answers a JSON array with the created AWB (its
        # BarCode, ShippingCost, ReturnCode...), as Cargus's own PrestaShop
        # and Magento modules read it; a refusal is a 4xx with a list of texts,
        # or texts instead of the AWB.
        payload = self._check(
            self._request("POST", "Awbs/WithGetAwb", json=self._payload(request))
        )
        awb = self._first_awb(payload)
        if not awb:
            # Cargus refuses with a list of texts; anything else without an
            # AWB is no clear refusal.
            refused = (
                isinstance(payload, list)
                and bool(payload)
                and all(isinstance(item, str) for item in payload)
            )
            raise CourierError(
                f"{self.name}: {self._message(payload)}",
                raw=payload,
                maybe_done=not refused,
            )
        return self._result(
            str(awb["BarCode"]), self._cost(awb.get("ShippingCost")), raw=awb
        )

    @staticmethod
    def _first_awb(payload):
        """The first AWB object of an answer (an array of them, or one)."""
        items = payload if isinstance(payload, list) else [payload]
        for item in items:
            if isinstance(item, dict) and item.get("BarCode"):
                return item
        return None

    @staticmethod
    def _cost(shipping_cost):
        """The AWB's price: ``ShippingCost`` is an object whose ``GrandTotal``
        is what Cargus charges (VAT included)."""
        if isinstance(shipping_cost, dict):
            return float(shipping_cost.get("GrandTotal") or 0.0)
        try:
            return float(shipping_cost or 0.0)
        except (TypeError, ValueError):
            return 0.0

    def find_shipment(self, reference, created_after=None):
        """The shipment whose ``CustomString`` is ``reference``, from Cargus's
        list of the AWBs of a date range (``Awbs/GetByDate``, Bucharest days),
        every page of it."""
        start = created_after or datetime.now(timezone.utc) - LOOKUP_SPAN
        first_day = start.astimezone(BUCHAREST).date()
        # The end date is given one day later: whether Cargus counts it in
        # is not documented.
        last_day = (start + LOOKUP_SPAN).astimezone(BUCHAREST).date() + timedelta(
            days=1
        )
        page = 1
        while True:
            items = self._check(
                self._request(
                    "GET",
                    "Awbs/GetByDate",
                    params={
                        "FromDate": first_day.strftime("%m-%d-%Y"),
                        "ToDate": last_day.strftime("%m-%d-%Y"),
                        "pageNumber": page,
                        "itemsPerPage": LIST_PAGE_SIZE,
                    },
                )
            )
            items = items if isinstance(items, list) else []
            for item in items:
                if (
                    isinstance(item, dict)
                    and item.get("CustomString") == reference
                    and item.get("BarCode")
                ):
                    return self._result(
                        str(item["BarCode"]),
                        self._cost(item.get("ShippingCost")),
                        raw=item,
                    )
            if len(items) < LIST_PAGE_SIZE or page >= MAX_LIST_PAGES:
                return None
            page += 1

    def get_label(self, awb, label_format="A4"):
        response = self._request(
            "GET",
            "AwbDocuments",
            params={
                "barCodes": json.dumps([awb]),
                "type": "PDF",
                "format": 1 if label_format == "A6" else 0,
            },
        )
        payload = self._check(response)
        return decode_label(payload)

    def track(self, awbs):
        payload = self._check(
            self._request(
                "GET",
                "AwbTrace/WithRedirect",
                params={"barCode": json.dumps(list(awbs))},
            )
        )
        result = {awb: [] for awb in awbs}
        for item in payload or []:
            awb = str(item.get("Code"))
            result[awb] = [self._event(awb, event) for event in item.get("Event") or []]
        return result

    def track_delta(self, since, until):
        fmt = "%m-%d-%Y %H:%M"
        payload = self._check(
            self._request(
                "GET",
                "AwbTrace/GetDeltaEvents",
                params={
                    "FromDate": since.astimezone(BUCHAREST).strftime(fmt),
                    "ToDate": (until + timedelta(minutes=1))
                    .astimezone(BUCHAREST)
                    .strftime(fmt),
                },
            )
        )
        events = []
        for item in payload or []:
            awb = str(item.get("Code"))
            events.extend(self._event(awb, event) for event in item.get("Event") or [])
        return events

    @staticmethod
    def _event(awb, event):
        return TrackingEvent(
            awb=awb,
            # Cargus event texts are free; the id is the stable part.
            code=str(event.get("EventId")),
            description=event.get("Description") or "",
            location=event.get("LocalityName") or "",
            time=parse_local_time(event.get("Date")),
            raw=event,
        )

    def cancel(self, awb, shipment_id=""):
        payload = self._check(self._request("DELETE", "Awbs", params={"barCode": awb}))
        if payload is False:
            raise CourierError(
                f"{self.name} refused to cancel {awb}: it has already been picked up."
            )

    def quote(self, request):
        """Cargus's ``POST ShippingCalculation``: ``Subtotal`` is the price
        without VAT, ``GrandTotal`` with it."""
        sender = request.sender
        recipient = request.recipient
        payload = self._payload(request)
        body = {
            "FromLocalityId": int(sender.locality_id)
            if sender and sender.locality_id
            else 0,
            "FromCountyName": sender.county if sender else "",
            "FromLocalityName": sender.city if sender else "",
            "ToLocalityId": int(recipient.locality_id) if recipient.locality_id else 0,
            "ToCountyName": recipient.county,
            "ToLocalityName": recipient.city,
            "OtherRepayment": "",
            "PaymentInstrumentId": 0,
            "PaymentInstrumentValue": 0,
            "OpenPackage": False,
            "SaturdayDelivery": False,
            "MorningDelivery": False,
            **{
                key: payload[key]
                for key in (
                    "Parcels",
                    "Envelopes",
                    "TotalWeight",
                    "ServiceId",
                    "ShipmentPayer",
                    "DeclaredValue",
                    "CashRepayment",
                    "BankRepayment",
                    "ParcelCodes",
                )
            },
        }
        if request.extra.get("price_table_id"):
            body["PriceTableId"] = int(request.extra["price_table_id"])
        answer = self._check(self._request("POST", "ShippingCalculation", json=body))
        if not isinstance(answer, dict) or answer.get("Subtotal") is None:
            raise CourierError(f"{self.name}: {self._message(answer)}", raw=answer)
        return Quote(
            price=float(answer["Subtotal"]),
            price_with_vat=float(answer.get("GrandTotal") or 0.0),
            currency="RON",
            raw=answer,
        )

    def counties(self):
        answer = self._check(
            self._request("GET", "Counties", params={"countryId": ROMANIA})
        )
        return [
            CourierCounty(
                id=str(item["CountyId"]),
                name=item["Name"],
                code=item.get("Abbreviation") or "",
            )
            for item in answer or []
        ]

    def localities(self, county):
        answer = self._check(
            self._request(
                "GET",
                "Localities",
                params={"countryId": ROMANIA, "countyId": county.id},
            )
        )
        return [
            CourierLocality(
                id=str(item["LocalityId"]),
                name=item["Name"],
                county_id=str(item.get("CountyId") or county.id),
                postal_code=str(item.get("PostalCode") or ""),
                parent_name=item.get("ParentName") or "",
                raw=item,
            )
            for item in answer or []
        ]

    @classmethod
    def tracking_url(cls, awb):
        return (
            f"https://www.cargus.ro/personal/urmareste-coletul/?tracking_number={awb}"
        )

    # -- cash-on-delivery repayments ------------------------------------------
    # ``GET CashAccount/GetByDeductionDate?DeductionDate=yyyy-mm-dd``: the COD
    # amounts of the transfer ("deduction") Cargus made that day, a bare JSON
    # array of ``{BarCode, Date, RepaymentValue, RepaymentDate, DeductionDate,
    # DeductionId, Receiver, ToLocality, CustomString, ...}``; no paging.
    # Sources: the Cargus API v3 documentation as summarised in public
    # clients ("Cash on Delivery Tracking": CashAccount/GetByDate with ISO
    # FromDate/ToDate, GetByDeductionDate, CashAccount?barCode), the PHP client
    # horianst/wordpress (getPayment: GetByDeductionDate "orders with
    # repayments delivered and payment sent to client"), and a TypeScript
    # client reading the same fields from CashAccount/GetByDate. Unverified:
    # that GetByDeductionDate answers with the same item shape as GetByDate,
    # and the exact date format of the fields (ISO or dd.mm.yyyy, read either
    # way). Dates carry no zone: Bucharest days.

    supports_cod_report = True

    def cod_repayments(self, date_from, date_to):
        repayments = []
        day = date_from
        while day <= date_to:
            payload = self._check(
                self._request(
                    "GET",
                    "CashAccount/GetByDeductionDate",
                    params={"DeductionDate": day.isoformat()},
                )
            )
            if payload is not None and not isinstance(payload, list):
                raise CourierError(
                    f"{self.name}: {self._message(payload)}", raw=payload
                )
            repayments.extend(self._repayment(item, day) for item in payload or [])
            day += timedelta(days=1)
        return repayments

    @staticmethod
    def _repayment(item, day):
        return CodRepayment(
            awb=str(item.get("BarCode") or item.get("Barcode") or ""),
            amount=courier_amount(item.get("RepaymentValue") or 0),
            transferred_on=courier_date(item.get("DeductionDate")) or day,
            collected_on=courier_date(item.get("RepaymentDate")),
            transfer_reference=str(item.get("DeductionId") or ""),
            client_reference=str(item.get("CustomString") or ""),
            recipient=str(item.get("Receiver") or ""),
            raw=item,
        )
