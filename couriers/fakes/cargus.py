"""Fake Urgent Cargus server (Azure API Management front)."""

import base64
import json
from datetime import datetime

from .base import FakeCourierServer, render_label
from .nomenclature import CARGUS_COUNTIES, CARGUS_LOCALITIES, tariff


class FakeCargus(FakeCourierServer):
    courier = "Cargus"
    subscription_key = "demo-subscription-key"

    def route(self, request):
        if request.headers.get("Ocp-Apim-Subscription-Key") != self.subscription_key:
            return self.json_reply(
                401,
                {
                    "statusCode": 401,
                    "message": "Access denied due to missing subscription key.",
                },
            )
        if request.method == "POST" and request.path == "/LoginUser":
            body = request.json() or {}
            if (
                body.get("UserName") != self.username
                or body.get("Password") != self.password
            ):
                return self.json_reply(400, ["Utilizator sau parola invalida"])
            return self.json_reply(200, self.issue_token())
        auth = request.headers.get("Authorization", "")
        if not (auth.startswith("Bearer ") and self.token_valid(auth[7:])):
            return self.json_reply(401, {"message": "Authorization has been denied."})
        fault = self.take_fault()
        if fault == "timeout":
            self.sleep_past_timeout()
        if fault == "http_500":
            return 500, {"Content-Type": "text/plain"}, b"Internal server error"
        answer = self._route_prices_and_places(request)
        if answer is not None:
            return answer
        if request.method == "POST" and request.path == "/Awbs/WithGetAwb":
            return self._create(request, fault)
        if request.method == "GET" and request.path == "/Awbs/GetByCustomString":
            return self._find(request)
        if request.method == "GET" and request.path == "/AwbDocuments":
            return self._label(request)
        if request.method == "GET" and request.path == "/AwbTrace/WithRedirect":
            codes = json.loads(request.arg("barCode", "[]"))
            return self.json_reply(200, [self._trace(code) for code in codes])
        if request.method == "GET" and request.path == "/AwbTrace/GetDeltaEvents":
            return self._delta(request)
        if request.method == "DELETE" and request.path == "/Awbs":
            return self._cancel(request)
        return self.json_reply(404, {"message": "Resource not found"})

    def _create(self, request, fault):
        body = request.json() or {}
        recipient = body.get("Recipient") or {}
        problems = []
        if not recipient.get("LocalityName"):
            problems.append("Localitatea destinatarului este obligatorie")
        if fault == "error_in_200":
            # Cargus sometimes answers 200 with a list of validation texts.
            return self.json_reply(200, ["Codul postal nu corespunde localitatii"])
        if problems:
            return self.json_reply(400, problems)
        awb = "10" + self.next_number("0")
        cost = round(12 + 1.8 * float(body.get("TotalWeight") or 1), 2)
        self.shipments[awb] = {
            "awb": awb,
            "reference": body.get("CustomString"),
            "cod": float(body.get("CashRepayment") or 0)
            + float(body.get("BankRepayment") or 0),
            "cost": cost,
            "created": datetime.now(),
            "recipient": [
                recipient.get("Name"),
                recipient.get("AddressText"),
                f"{recipient.get('CodPostal', '')} {recipient.get('LocalityName', '')}",
                recipient.get("CountyName"),
                recipient.get("PhoneNumber"),
            ],
        }
        if fault == "timeout_after_create":
            self.sleep_past_timeout()
        return self.json_reply(
            200,
            {
                "BarCode": awb,
                "ShippingCost": cost,
                "CustomString": body.get("CustomString"),
            },
        )

    def _find(self, request):
        reference = request.arg("customString")
        return self.json_reply(
            200,
            [
                {
                    "BarCode": s["awb"],
                    "CustomString": s["reference"],
                    "ShippingCost": s["cost"],
                }
                for s in self.shipments.values()
                if s["reference"] == reference and s["awb"] not in self.cancelled
            ],
        )

    def _label(self, request):
        codes = json.loads(request.arg("barCodes", "[]"))
        shipment = self.shipments.get(codes[0]) if codes else None
        if not shipment:
            return self.json_reply(400, ["AWB inexistent"])
        size = "A6" if request.arg("format") == "1" else "A4"
        pdf = render_label(
            self.courier,
            shipment["awb"],
            shipment["recipient"],
            shipment["cod"],
            size,
            shipment["reference"],
        )
        # Cargus sends the PDF as a JSON string of base64.
        return self.json_reply(200, base64.b64encode(pdf).decode())

    def _trace(self, code):
        return {
            "Code": code,
            "Event": [
                {
                    "EventId": int(event["code"]),
                    "Description": event["description"],
                    "LocalityName": event["location"],
                    "Date": event["when"].strftime("%Y-%m-%dT%H:%M:%S"),
                }
                for event in self.events.get(code, [])
            ],
        }

    def _delta(self, request):
        start = datetime.strptime(request.arg("FromDate"), "%m-%d-%Y %H:%M")
        end = datetime.strptime(request.arg("ToDate"), "%m-%d-%Y %H:%M")
        result = []
        for code in self.events:
            trace = self._trace(code)
            trace["Event"] = [
                event
                for event in trace["Event"]
                if start <= datetime.fromisoformat(event["Date"]) <= end
            ]
            if trace["Event"]:
                result.append(trace)
        return self.json_reply(200, result)

    def _cancel(self, request):
        awb = request.arg("barCode")
        if awb not in self.shipments:
            return self.json_reply(400, ["AWB inexistent"])
        if self.events.get(awb):
            return self.json_reply(200, False)
        self.cancelled.add(awb)
        return self.json_reply(200, True)

    # -- prices and places ----------------------------------------------------

    def _route_prices_and_places(self, request):
        """ShippingCalculation and the Counties / Localities lists; None for
        other paths."""
        if request.method == "POST" and request.path == "/ShippingCalculation":
            return self._calculate(request)
        if request.method == "GET" and request.path == "/Counties":
            if request.arg("countryId") != "1":
                return self.json_reply(200, [])
            return self.json_reply(200, CARGUS_COUNTIES)
        if request.method == "GET" and request.path == "/Localities":
            county = request.arg("countyId")
            return self.json_reply(
                200,
                [
                    {
                        "LocalityId": locality_id,
                        "Name": name,
                        "ParentId": 0,
                        "ParentName": parent,
                        "ExtraKm": extra_km,
                        "InNetwork": not extra_km,
                        "CountyId": county_id,
                        "CountryId": 1,
                        "PostalCode": postal_code,
                        "MaxHour": "18:00",
                        "SaturdayDelivery": False,
                    }
                    for (
                        locality_id,
                        name,
                        county_id,
                        postal_code,
                        parent,
                        extra_km,
                    ) in CARGUS_LOCALITIES
                    if str(county_id) == county
                ],
            )
        return None

    def _calculate(self, request):
        body = request.json() or {}
        to_locality = next(
            (
                row
                for row in CARGUS_LOCALITIES
                if row[0] == body.get("ToLocalityId")
                or (
                    not body.get("ToLocalityId")
                    and row[1] == body.get("ToLocalityName")
                )
            ),
            None,
        )
        if to_locality is None:
            # Cargus answers a refusal as a list of texts.
            return self.json_reply(400, ["Localitatea destinatarului nu a fost gasita"])
        price, vat, total = tariff(12, 1.8, body.get("TotalWeight"), to_locality[5])
        return self.json_reply(
            200,
            {
                "BaseCost": 12,
                "ExtraKmCost": round(0.8 * to_locality[5], 2),
                "WeightCost": round(price - 12 - 0.8 * to_locality[5], 2),
                "InsuranceCost": 0,
                "SpecialCost": 0,
                "RepaymentCost": 0,
                "Subtotal": price,
                "Tax": vat,
                "GrandTotal": total,
            },
        )
