"""Fake FAN Courier REST v2 server.

Written from FAN's public clients (``shusaura85/fancourier-api``): AWBs are
dated in Bucharest time, the AWB list (``reports/awb``) gives at most 100 AWBs
per page with ``total``/``perPage``/``currentPage`` and the price as
``info.cost``; a refused shipment is an item with ``awbNumber: null`` and
``errors`` inside a 200.
"""

from .base import FakeCourierServer, render_label
from .nomenclature import FAN_COUNTIES, FAN_LOCALITIES, tariff

LIST_PAGE_MAX = 100  # FAN caps perPage at 100 whatever is asked


class FakeFanCourier(FakeCourierServer):
    courier = "FAN Courier"
    client_id = "7032158"

    def _authorized(self, request):
        auth = request.headers.get("Authorization", "")
        return auth.startswith("Bearer ") and self.token_valid(auth[7:])

    def route(self, request):
        if request.method == "POST" and request.path == "/login":
            return self._login(request)
        if not self._authorized(request):
            return self.json_reply(
                401, {"status": "error", "message": "Unauthenticated."}
            )
        fault = self.take_fault()
        if fault == "timeout":
            self.sleep_past_timeout()
        if fault == "http_500":
            return self.json_reply(500, {"status": "error", "message": "Server Error"})
        answer = self._route_prices_and_places(request)
        if answer is not None:
            return answer
        if request.method == "POST" and request.path == "/intern-awb":
            return self._create(request, fault)
        if request.method == "GET" and request.path == "/awb/label":
            return self._label(request)
        if request.method == "GET" and request.path == "/reports/awb/tracking":
            return self._tracking(request)
        if request.method == "GET" and request.path == "/reports/awb":
            return self._list(request)
        if request.method == "DELETE" and request.path == "/awb":
            return self._cancel(request)
        if request.method == "GET" and request.path == "/reports/bank-transfers":
            return self._bank_transfers(request)
        return self.json_reply(404, {"status": "error", "message": "Not found"})

    def _login(self, request):
        values = request.form() if request.body else {}
        values = values or {k: v[-1] for k, v in request.query.items()}
        if (
            values.get("username") != self.username
            or values.get("password") != self.password
        ):
            return self.json_reply(
                401, {"status": "error", "message": "Invalid credentials"}
            )
        token = self.issue_token()
        expires = self.tokens[token].strftime("%Y-%m-%d %H:%M:%S")
        return self.json_reply(
            200, {"status": "success", "data": {"token": token, "expiresAt": expires}}
        )

    def _create(self, request, fault):
        body = request.json()
        if str(body.get("clientId")) != self.client_id:
            return self.json_reply(
                422, {"status": "error", "message": "Invalid clientId", "errors": {}}
            )
        answers = []
        for shipment in body.get("shipments") or []:
            info, recipient = shipment.get("info", {}), shipment.get("recipient", {})
            address = recipient.get("address", {})
            if fault == "error_in_200" or not address.get("locality"):
                answers.append(
                    {
                        "awbNumber": None,
                        "errors": {
                            "recipient.address.locality": ["Localitatea nu exista."]
                        },
                    }
                )
                continue
            awb = "2" + self.next_number("000")
            tariff = round(15 + 2 * float(info.get("weight") or 1), 2)
            self.shipments[awb] = {
                "awb": awb,
                "reference": info.get("costCenter"),
                "cod": float(info.get("cod") or 0),
                "tariff": tariff,
                # FAN dates its AWBs in Bucharest time.
                "created": self.local_now(),
                "recipient": [
                    recipient.get("name"),
                    f"{address.get('street', '')} {address.get('streetNo', '')}",
                    f"{address.get('zipCode', '')} {address.get('locality', '')}",
                    address.get("county"),
                    recipient.get("phone"),
                ],
            }
            answers.append(
                {
                    "awbNumber": int(awb),
                    "tariff": tariff,
                    "routingCode": "B1",
                    "errors": None,
                }
            )
        return self.after_create(fault, self.json_reply(200, {"response": answers}))

    def _label(self, request):
        if self.take_label_fault():
            return self.label_unavailable()
        awbs = request.query.get("awbs[]") or []
        shipment = self.shipments.get(awbs[0]) if awbs else None
        if not shipment:
            return self.json_reply(404, {"status": "error", "message": "AWB not found"})
        pdf = render_label(
            self.courier,
            shipment["awb"],
            shipment["recipient"],
            shipment["cod"],
            request.arg("format", "A4"),
            shipment["reference"],
        )
        return 200, {"Content-Type": "application/pdf"}, pdf

    def _tracking(self, request):
        data = []
        for awb in request.query.get("awb[]") or []:
            data.append(
                {
                    "awbNumber": awb,
                    "events": [
                        {
                            "id": event["code"],
                            "name": event["description"],
                            "location": event["location"],
                            "date": event["when"].strftime("%Y-%m-%d %H:%M:%S"),
                        }
                        for event in self.events.get(awb, [])
                    ],
                }
            )
        return self.json_reply(200, {"status": "success", "data": data})

    def _list(self, request):
        day = request.arg("date")
        per_page = min(int(request.arg("perPage") or LIST_PAGE_MAX), LIST_PAGE_MAX)
        page = max(int(request.arg("page") or 1), 1)
        dated = [
            shipment
            for shipment in self.shipments.values()
            if shipment["created"].date().isoformat() == day
            and shipment["awb"] not in self.cancelled
        ]
        data = [
            {
                "info": {
                    "awbNumber": int(shipment["awb"]),
                    "costCenter": shipment["reference"],
                    "cost": shipment["tariff"],
                    "cod": shipment["cod"],
                    "currency": "LEI",
                    "date": shipment["created"].strftime("%Y-%m-%d %H:%M:%S"),
                }
            }
            for shipment in dated[(page - 1) * per_page : page * per_page]
        ]
        return self.json_reply(
            200,
            {
                "status": "success",
                "data": data,
                "total": len(dated),
                "perPage": per_page,
                "currentPage": page,
            },
        )

    def _cancel(self, request):
        awb = request.arg("awb")
        if awb not in self.shipments:
            return self.json_reply(404, {"status": "error", "message": "AWB not found"})
        if self.events.get(awb):
            return self.json_reply(
                422,
                {"status": "error", "message": "The AWB has already been picked up."},
            )
        self.cancelled.add(awb)
        return self.json_reply(200, {"status": "success", "message": "AWB deleted"})

    # -- prices and places ----------------------------------------------------

    def _route_prices_and_places(self, request):
        """The internal tariff and the counties / localities lists; None for
        other paths."""
        if request.method == "GET" and request.path == "/reports/awb/internal-tariff":
            return self._tariff(request)
        if request.method == "GET" and request.path == "/reports/counties":
            return self.json_reply(200, {"status": "success", "data": FAN_COUNTIES})
        if request.method == "GET" and request.path == "/reports/localities":
            county = request.arg("county")
            return self.json_reply(
                200,
                {
                    "status": "success",
                    "data": [
                        {
                            "id": locality_id,
                            "name": name,
                            "county": county_name,
                            "agency": agency,
                            "exteriorKm": extra_km,
                        }
                        for locality_id, name, county_name, agency, extra_km in (
                            FAN_LOCALITIES
                        )
                        if not county or county_name == county
                    ],
                },
            )
        return None

    def _tariff(self, request):
        if request.arg("clientId") != self.client_id:
            return self.json_reply(
                422, {"status": "error", "message": "Invalid clientId", "errors": {}}
            )
        locality = next(
            (
                row
                for row in FAN_LOCALITIES
                if row[1] == request.arg("recipient[locality]")
                and row[2] == request.arg("recipient[county]")
            ),
            None,
        )
        if locality is None:
            # FAN Courier spells the localities its own way, without diacritics.
            return self.json_reply(
                200,
                {
                    "status": "success",
                    "data": {
                        "errors": {"recipient.locality": ["Localitate invalida."]}
                    },
                },
            )
        extra_km = float(locality[4] or 0)
        price, vat, total = tariff(15, 2, request.arg("info[weight]"), extra_km)
        return self.json_reply(
            200,
            {
                "status": "success",
                "data": {
                    "weightCost": round(price - 15 - 0.8 * extra_km, 2),
                    "insuranceCost": 0,
                    "optionsCost": 0,
                    "fuelCost": 0,
                    "extraKmCost": round(0.8 * extra_km, 2),
                    "costNoVAT": price,
                    "vat": vat,
                    "total": total,
                },
            },
        )

    # -- cash-on-delivery repayments --------------------------------------------

    def _bank_transfers(self, request):
        """``reports/bank-transfers``: one day's COD transfers, paged (at most
        100 per page), as the public PHP client reads them."""
        if request.arg("clientId") != self.client_id:
            return self.json_reply(
                422, {"status": "error", "message": "Invalid clientId", "errors": {}}
            )
        day = request.arg("date")
        if not day:
            return self.json_reply(
                422,
                {"status": "error", "message": "The date field is required."},
            )
        per_page = min(int(request.arg("perPage", 100)), 100)
        page = max(int(request.arg("page", 1)), 1)
        items = [
            repayment
            for repayment in self.repayments
            if repayment["transferred_on"].isoformat() == day
        ]
        shown = items[(page - 1) * per_page : page * per_page]
        data = [
            {
                "info": {
                    "awbNumber": repayment["awb"],
                    "awbDate": repayment["collected_on"].strftime("%d.%m.%Y"),
                    "amountCollected": repayment["amount"],
                    "content": repayment["reference"],
                    "transferDate": repayment["transferred_on"].strftime("%d.%m.%Y"),
                    "returnAwbNumber": "",
                    "reimbursementAwbNumber": "",
                    "transactionType": "cash",
                    "transactionDate": repayment["collected_on"].strftime("%d.%m.%Y"),
                },
                "recipient": {
                    "name": repayment["recipient"],
                    "contactPerson": repayment["recipient"],
                    "address": {"locality": "Bucuresti"},
                },
                "sender": {"name": "Demo Shop SRL", "contactPerson": ""},
            }
            for repayment in shown
        ]
        return self.json_reply(
            200,
            {
                "status": "success",
                "data": data,
                "total": len(items),
                "perPage": per_page,
                "currentPage": page,
            },
        )
