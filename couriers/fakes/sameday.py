"""Fake Sameday REST server."""

import re
from datetime import datetime

from .base import BUCHAREST, FakeCourierServer, render_label
from .nomenclature import SAMEDAY_CITIES, SAMEDAY_COUNTIES, tariff

# Sameday status ids seen in its public SDK, with the flags they set.
STATUS_LABELS = {
    "1": "Colet in asteptare",
    "4": "Colet preluat de curier",
    "7": "Colet in tranzit",
    "33": "In livrare la curier",
    "9": "Livrat",
    "25": "Refuzat de destinatar",
    "84": "Retur livrat",
    "112": "Anulat",
}


class FakeSameday(FakeCourierServer):
    courier = "Sameday"

    def _authorized(self, request):
        return self.token_valid(request.headers.get("X-AUTH-TOKEN", ""))

    def route(self, request):
        if request.method == "POST" and request.path == "/api/authenticate":
            return self._login(request)
        if not self._authorized(request):
            return self.json_reply(401, {"code": 401, "message": "Invalid JWT Token"})
        fault = self.take_fault()
        if fault == "timeout":
            self.sleep_past_timeout()
        if fault == "http_500":
            return self.json_reply(
                500, {"code": 500, "message": "Internal Server Error"}
            )
        answer = self._route_prices_and_places(request)
        if answer is not None:
            return answer
        if request.method == "POST" and request.path == "/api/awb":
            return self._create(request, fault)
        match = re.fullmatch(r"/api/awb/download/(\w+)/(A4|A6)", request.path)
        if match and request.method == "GET":
            return self._label(match[1], match[2])
        match = re.fullmatch(r"/api/client/awb/(\w+)/status", request.path)
        if match and request.method == "GET":
            return self._status(match[1])
        if request.method == "GET" and request.path == "/api/client/status-sync":
            return self._sync(request)
        match = re.fullmatch(r"/api/awb/(\w+)", request.path)
        if match and request.method == "DELETE":
            return self._cancel(match[1])
        return self.json_reply(404, {"code": 404, "message": "Not Found"})

    def _login(self, request):
        if (
            request.headers.get("X-Auth-Username") != self.username
            or request.headers.get("X-Auth-Password") != self.password
        ):
            return self.json_reply(401, {"code": 401, "message": "Bad credentials"})
        token = self.issue_token()
        return self.json_reply(
            200,
            {
                "token": token,
                "expire_at": self.tokens[token].strftime("%Y-%m-%d %H:%M"),
            },
        )

    def _create(self, request, fault):
        form = request.form()
        errors = {}
        for field in ("pickupPoint", "service", "awbRecipient[phoneNumber]"):
            if not form.get(field):
                errors[field] = {"errors": ["This value should not be blank."]}
        if fault == "error_in_200":
            errors["awbRecipient[cityString]"] = {"errors": ["City not found."]}
        if errors:
            return self.json_reply(
                400,
                {
                    "code": 400,
                    "message": "Validation Failed",
                    "errors": {"children": errors},
                },
            )
        awb = "1ONB" + self.next_number()
        cost = round(14 + 1.5 * float(form.get("packageWeight") or 1), 2)
        self.shipments[awb] = {
            "awb": awb,
            "reference": form.get("clientInternalReference"),
            "cod": float(form.get("cashOnDelivery") or 0),
            "cost": cost,
            "created": datetime.now(BUCHAREST).replace(tzinfo=None, microsecond=0),
            "recipient": [
                form.get("awbRecipient[name]"),
                form.get("awbRecipient[address]"),
                (
                    f"{form.get('awbRecipient[postalCode]', '')} "
                    f"{form.get('awbRecipient[cityString]') or self._city_name(form)}"
                ),
                form.get("awbRecipient[countyString]"),
                form.get("awbRecipient[phoneNumber]"),
            ],
        }
        self.add_event(awb, "1", STATUS_LABELS["1"], "", self.shipments[awb]["created"])
        if fault == "timeout_after_create":
            self.sleep_past_timeout()
        return self.json_reply(
            201,
            {
                "awbNumber": awb,
                "awbCost": cost,
                "parcels": [{"position": 1, "awbNumber": f"{awb}001"}],
            },
        )

    def _label(self, awb, size):
        shipment = self.shipments.get(awb)
        if not shipment:
            return self.json_reply(404, {"code": 404, "message": "Awb not found"})
        pdf = render_label(
            self.courier,
            awb,
            shipment["recipient"],
            shipment["cod"],
            size,
            shipment["reference"],
        )
        return 200, {"Content-Type": "application/pdf"}, pdf

    def _history(self, awb):
        return [
            {
                "statusId": int(event["code"]),
                "status": event["description"],
                "statusLabel": event["description"]
                or STATUS_LABELS.get(event["code"], ""),
                "statusState": "",
                "county": "",
                "transitLocation": event["location"],
                "statusDate": event["when"].strftime("%Y-%m-%dT%H:%M:%S"),
            }
            for event in self.events.get(awb, [])
        ]

    def _status(self, awb):
        if awb not in self.shipments:
            return self.json_reply(404, {"code": 404, "message": "Awb not found"})
        codes = {event["code"] for event in self.events.get(awb, [])}
        return self.json_reply(
            200,
            {
                "expeditionSummary": {
                    "awbNumber": awb,
                    "delivered": "9" in codes,
                    "canceled": awb in self.cancelled,
                    "inReturn": "25" in codes,
                },
                "expeditionHistory": self._history(awb),
            },
        )

    def _sync(self, request):
        start = datetime.fromtimestamp(
            int(request.arg("startTimestamp")), BUCHAREST
        ).replace(tzinfo=None)
        end = datetime.fromtimestamp(
            int(request.arg("endTimestamp")), BUCHAREST
        ).replace(tzinfo=None)
        if (end - start).total_seconds() > 7200:
            return self.json_reply(
                400, {"code": 400, "message": "The interval must not exceed 2 hours."}
            )
        data = []
        for awb, shipment in self.shipments.items():
            for item in self._history(awb):
                moment = datetime.fromisoformat(item["statusDate"])
                if start <= moment <= end:
                    data.append(
                        {
                            **item,
                            "awbNumber": awb,
                            "parcelAwbNumber": f"{awb}001",
                            "clientInternalReference": shipment["reference"],
                            "awbCost": shipment["cost"],
                        }
                    )
        return self.json_reply(200, {"data": data, "pages": 1, "currentPage": 1})

    def _cancel(self, awb):
        if awb not in self.shipments:
            return self.json_reply(404, {"code": 404, "message": "Awb not found"})
        if {event["code"] for event in self.events.get(awb, [])} - {"1"}:
            return self.json_reply(
                400,
                {"code": 400, "message": "Awb can not be deleted: already picked up."},
            )
        self.cancelled.add(awb)
        self.events.pop(awb, None)
        return 204, {}, b""

    # -- prices and places ----------------------------------------------------

    def _route_prices_and_places(self, request):
        """The cost estimation and the geolocation lists; None for other paths."""
        if request.method == "POST" and request.path == "/api/awb/estimate-cost":
            return self._estimate(request)
        if request.method == "GET" and request.path == "/api/geolocation/county":
            return self._page(request, SAMEDAY_COUNTIES)
        if request.method == "GET" and request.path == "/api/geolocation/city":
            county = request.arg("county")
            counties = {county["id"]: county for county in SAMEDAY_COUNTIES}
            cities = [
                {
                    "id": city_id,
                    "name": name,
                    "county": counties[county_id],
                    "postalCode": postal_code,
                    "extraKM": 0,
                    "village": village,
                }
                for city_id, name, county_id, postal_code, village in SAMEDAY_CITIES
                if not county or str(county_id) == county
            ]
            return self._page(request, cities)
        return None

    def _page(self, request, items):
        size = int(request.arg("countPerPage") or 50)
        page = int(request.arg("page") or 1)
        pages = max(1, -(-len(items) // size))
        return self.json_reply(
            200,
            {
                "data": items[(page - 1) * size : page * size],
                "total": len(items),
                "currentPage": page,
                "pages": pages,
                "perPage": size,
            },
        )

    @staticmethod
    def _city_name(form):
        wanted = form.get("awbRecipient[city]")
        for city_id, name, *_rest in SAMEDAY_CITIES:
            if str(city_id) == wanted:
                return name
        return ""

    def _estimate(self, request):
        form = request.form()
        errors = {}
        for field in ("pickupPoint", "service"):
            if not form.get(field):
                errors[field] = {"errors": ["This value should not be blank."]}
        city = form.get("awbRecipient[city]")
        if city and not self._city_name(form):
            errors["awbRecipient[city]"] = {"errors": ["City not found."]}
        name = (form.get("awbRecipient[cityString]") or "").casefold()
        if not city and name not in {row[1].casefold() for row in SAMEDAY_CITIES}:
            errors["awbRecipient[cityString]"] = {"errors": ["City not found."]}
        if errors:
            return self.json_reply(
                400,
                {
                    "code": 400,
                    "message": "Validation Failed",
                    "errors": {"children": errors},
                },
            )
        price, _vat, _total = tariff(14, 1.5, form.get("packageWeight"))
        return self.json_reply(200, {"amount": price, "currency": "RON", "time": 24})
