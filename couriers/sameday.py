"""Sameday REST API (https://api.sameday.ro, demo sameday-api.demo.zitec.com)."""

from datetime import datetime, timedelta, timezone

from .base import (
    CourierAuthError,
    CourierClient,
    CourierCounty,
    CourierError,
    CourierLocality,
    Quote,
    ShipmentResult,
    TrackingEvent,
    decode_label,
    is_pdf,
    parse_local_time,
)

PACKAGE_TYPES = {"parcel": 0, "envelope": 1, "large": 2}
SYNC_WINDOW = timedelta(seconds=7200)  # the widest window status-sync accepts
PAGE_SIZE = 500  # elements per page of the geolocation lists
# Fields of the AWB form that the cost estimation does not take.
NOT_ESTIMATED = ("observation", "clientInternalReference", "cashOnDeliveryReturns")


class SamedayClient(CourierClient):
    """Sameday: ``X-AUTH-TOKEN`` from ``/api/authenticate``; forms, not JSON.

    Credentials: ``username``, ``password``. The shop's reference travels in
    ``clientInternalReference``.
    """

    name = "Sameday"
    production_url = "https://api.sameday.ro/"
    supports_delta = True
    supports_quote = True
    supports_localities = True

    def _login(self):
        response = self._send(
            "POST",
            "api/authenticate",
            headers={
                "X-Auth-Username": self.credentials["username"],
                "X-Auth-Password": self.credentials["password"],
            },
            data={"remember_me": "true"},
        )
        payload = self._json(response) if response.content else {}
        if response.status_code != 200 or not payload.get("token"):
            raise CourierAuthError(
                f"{self.name} refused the login: {self._message(payload)}", raw=payload
            )
        expires_at = (
            parse_local_time(payload["expire_at"]) if payload.get("expire_at") else None
        )
        return payload["token"], expires_at

    def _auth_headers(self, token):
        return {"X-AUTH-TOKEN": token}

    @staticmethod
    def _message(payload):
        if not isinstance(payload, dict):
            return str(payload)
        errors = payload.get("errors")
        details = []
        if isinstance(errors, dict):
            # Symfony-style tree: {"children": {"field": {"errors": [...]}}}
            children = errors.get("children", errors)
            for key, value in children.items():
                messages = value.get("errors") if isinstance(value, dict) else value
                if messages:
                    details.append(f"{key}: {', '.join(map(str, messages))}")
            details.extend(map(str, errors.get("errors") or []))
        message = payload.get("message") or "unknown error"
        return f"{message} ({'; '.join(details)})" if details else message

    def _check(self, response):
        payload = self._json(response) if response.content else {}
        if response.status_code >= 400:
            raise CourierError(
                f"{self.name}: {self._message(payload)}",
                code=str(response.status_code),
                raw=payload,
            )
        return payload

    def _form(self, request):
        recipient = request.recipient
        form = {
            "pickupPoint": request.pickup_point,
            "packageType": PACKAGE_TYPES.get(request.extra.get("package_type"), 0),
            "packageNumber": len(request.parcels) or 1,
            "packageWeight": request.total_weight,
            "service": request.service,
            "awbPayment": 2 if request.payer == "recipient" else 1,
            "cashOnDelivery": round(request.cod_amount, 2),
            "cashOnDeliveryReturns": 1 if request.cod_amount else 0,
            "insuredValue": round(request.declared_value, 2),
            "thirdPartyPickup": 0,
            "awbRecipient[name]": recipient.contact_name or recipient.name,
            "awbRecipient[phoneNumber]": recipient.phone,
            "awbRecipient[email]": recipient.email,
            "awbRecipient[address]": " ".join(
                part for part in (recipient.street, recipient.street_no) if part
            ),
            "awbRecipient[postalCode]": recipient.zip_code,
            "awbRecipient[personType]": 1 if recipient.company_name else 0,
            "observation": request.observation,
            "clientInternalReference": request.reference,
        }
        # The nomenclature's ids when known, else the names (as the SDK does).
        if recipient.locality_id:
            form["awbRecipient[city]"] = int(recipient.locality_id)
        else:
            form["awbRecipient[cityString]"] = recipient.city
        if recipient.county_id:
            form["awbRecipient[county]"] = int(recipient.county_id)
        else:
            form["awbRecipient[countyString]"] = recipient.county
        if recipient.company_name:
            form["awbRecipient[companyName]"] = recipient.company_name
        for index, parcel in enumerate(request.parcels or []):
            form[f"parcels[{index}][weight]"] = parcel.weight
            form[f"parcels[{index}][width]"] = parcel.width
            form[f"parcels[{index}][length]"] = parcel.length
            form[f"parcels[{index}][height]"] = parcel.height
        return form

    def create_shipment(self, request):
        payload = self._check(
            self._request("POST", "api/awb", data=self._form(request))
        )
        awb = payload.get("awbNumber")
        if not awb:
            raise CourierError(f"{self.name}: {self._message(payload)}", raw=payload)
        return ShipmentResult(
            awb=str(awb),
            price=float(payload.get("awbCost") or 0.0),
            currency="RON",
            label=self.get_label(awb, request.label_format),
            parcel_numbers=[p.get("awbNumber") for p in payload.get("parcels") or []],
            tracking_url=self.tracking_url(awb),
            raw=payload,
        )

    def find_shipment(self, reference, created_after=None):
        start = created_after or datetime.now(timezone.utc) - SYNC_WINDOW
        for item in self._status_sync(start, datetime.now(timezone.utc)):
            if item.get("clientInternalReference") == reference and item.get(
                "awbNumber"
            ):
                awb = str(item["awbNumber"])
                return ShipmentResult(
                    awb=awb,
                    price=float(item.get("awbCost") or 0.0),
                    parcel_numbers=[item.get("parcelAwbNumber") or awb],
                    tracking_url=self.tracking_url(awb),
                    raw=item,
                )
        return None

    def get_label(self, awb, label_format="A4"):
        size = "A6" if label_format == "A6" else "A4"
        response = self._request("GET", f"api/awb/download/{awb}/{size}")
        if is_pdf(response.content):
            return response.content
        payload = self._check(response)
        return decode_label(
            payload.get("data") if isinstance(payload, dict) else payload
        )

    def track(self, awbs):
        result = {}
        for awb in awbs:
            payload = self._check(self._request("GET", f"api/client/awb/{awb}/status"))
            result[awb] = [
                self._event(awb, item)
                for item in payload.get("expeditionHistory") or []
            ]
        return result

    def track_delta(self, since, until):
        return [
            self._event(str(item.get("awbNumber")), item)
            for item in self._status_sync(since, until)
        ]

    def _status_sync(self, since, until):
        """Every status change in [since, until], in windows of at most 2 hours."""
        items = []
        window_start = since
        while window_start < until:
            window_end = min(window_start + SYNC_WINDOW, until)
            page = 1
            while True:
                payload = self._check(
                    self._request(
                        "GET",
                        "api/client/status-sync",
                        params={
                            "startTimestamp": int(window_start.timestamp()),
                            "endTimestamp": int(window_end.timestamp()),
                            "page": page,
                            "countPerPage": 500,
                        },
                    )
                )
                items.extend(payload.get("data") or [])
                if page >= int(payload.get("pages") or 1):
                    break
                page += 1
            window_start = window_end
        return items

    def _event(self, awb, item):
        return TrackingEvent(
            awb=awb,
            code=str(item.get("statusId")),
            description=item.get("statusLabel") or item.get("status") or "",
            location=item.get("transitLocation") or item.get("county") or "",
            time=parse_local_time(item.get("statusDate")),
            raw=item,
        )

    def cancel(self, awb, shipment_id=""):
        self._check(self._request("DELETE", f"api/awb/{awb}"))

    def quote(self, request):
        """Sameday's AWB cost estimation (``POST /api/awb/estimate-cost``): the
        AWB form without the fields of the shipment itself. Sameday does not
        say whether ``amount`` includes VAT: it is taken as the price."""
        form = {
            key: value
            for key, value in self._form(request).items()
            if key not in NOT_ESTIMATED
        }
        payload = self._check(self._request("POST", "api/awb/estimate-cost", data=form))
        if not isinstance(payload, dict) or payload.get("amount") is None:
            raise CourierError(f"{self.name}: {self._message(payload)}", raw=payload)
        return Quote(
            price=float(payload["amount"]),
            currency=payload.get("currency") or "RON",
            delivery_hours=int(payload.get("time") or 0),
            raw=payload,
        )

    def counties(self):
        return [
            CourierCounty(
                id=str(item["id"]), name=item["name"], code=item.get("code") or ""
            )
            for item in self._pages("api/geolocation/county", {})
        ]

    def localities(self, county):
        return [
            CourierLocality(
                id=str(item["id"]),
                name=item["name"],
                county_id=str((item.get("county") or {}).get("id") or county.id),
                postal_code=item.get("postalCode") or "",
                parent_name=item.get("village") or "",
                raw=item,
            )
            for item in self._pages("api/geolocation/city", {"county": county.id})
        ]

    def _pages(self, path, params):
        """Every element of a paginated geolocation list."""
        items, page = [], 1
        while True:
            payload = self._check(
                self._request(
                    "GET",
                    path,
                    params={**params, "page": page, "countPerPage": PAGE_SIZE},
                )
            )
            items.extend(payload.get("data") or [])
            if page >= int(payload.get("pages") or 1):
                return items
            page += 1

    @classmethod
    def tracking_url(cls, awb):
        return f"https://sameday.ro/#awb={awb}"
