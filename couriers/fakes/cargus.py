"""Fake Urgent Cargus server (Azure API Management front).

Written from Cargus's public clients: the PrestaShop modules
(``quarkcomro/ps_cargus``, ``cargus-ecomm/Prestashop``) and the Magento 2
module (``liquidlab-agency/magento2-urgent-cargus``). ``Awbs/WithGetAwb``
answers a JSON array holding the created AWB (``$barcode[0]['BarCode']``),
whose ``ShippingCost`` is an object (``ShippingCost.GrandTotal``); refusals
are a 4xx with a JSON list of texts. AWBs are found again by date with
``Awbs/GetByDate`` (dates ``mm-dd-yyyy``, ``pageNumber``/``itemsPerPage``)
or by number with ``Awbs?barCode=``, as Cargus's API documentation lists them.
"""

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
        if request.method == "GET" and request.path == "/Awbs/GetByDate":
            return self._by_date(request)
        if request.method == "GET" and request.path == "/Awbs":
            awb = request.arg("barCode")
            found = self.shipments.get(awb)
            return self.json_reply(200, [self._awb(found)] if found else [])
        if request.method == "GET" and request.path == "/AwbDocuments":
            return self._label(request)
        if request.method == "GET" and request.path == "/AwbTrace/WithRedirect":
            codes = json.loads(request.arg("barCode", "[]"))
            return self.json_reply(200, [self._trace(code) for code in codes])
        if request.method == "GET" and request.path == "/AwbTrace/GetDeltaEvents":
            return self._delta(request)
        if request.method == "DELETE" and request.path == "/Awbs":
            return self._cancel(request)
        if (
            request.method == "GET"
            and request.path == "/CashAccount/GetByDeductionDate"
        ):
            return self._deductions(request)
        return self.json_reply(404, {"message": "Resource not found"})

    def _create(self, request, fault):
        body = request.json() or {}
        recipient = body.get("Recipient") or {}
        if fault == "error_in_200":
            # Cargus may answer 200 with texts instead of the AWB.
            return self.json_reply(200, ["Codul postal nu corespunde localitatii"])
        if not recipient.get("LocalityName"):
            return self.json_reply(
                400, ["The recipient's locality could not be matched!"]
            )
        awb = "10" + self.next_number("0")
        weight = float(body.get("TotalWeight") or 1)
        subtotal = round(10 + 1.5 * weight, 2)
        tax = round(subtotal * 0.19, 2)
        self.shipments[awb] = {
            "awb": awb,
            "reference": body.get("CustomString"),
            "cod": float(body.get("CashRepayment") or 0)
            + float(body.get("BankRepayment") or 0),
            "cost": {
                "BaseCost": subtotal,
                "ExtraKmCost": 0.0,
                "WeightCost": subtotal,
                "InsuranceCost": 0.0,
                "SpecialCost": 0.0,
                "RepaymentCost": 0.0,
                "Subtotal": subtotal,
                "Tax": tax,
                "GrandTotal": round(subtotal + tax, 2),
            },
            "body": body,
            # Cargus's dates are Bucharest wall-clock time.
            "created": self.local_now(),
            "recipient": [
                recipient.get("Name"),
                recipient.get("AddressText"),
                f"{recipient.get('CodPostal', '')} {recipient.get('LocalityName', '')}",
                recipient.get("CountyName"),
                recipient.get("PhoneNumber"),
            ],
        }
        return self.after_create(
            fault, self.json_reply(200, [self._awb(self.shipments[awb])])
        )

    def _awb(self, shipment):
        """An AWB as Cargus describes it (creation answer, lists, details)."""
        body = shipment["body"]
        return {
            "BarCode": shipment["awb"],
            "CustomString": shipment["reference"],
            "ShippingCost": shipment["cost"],
            "Status": "Anulat" if shipment["awb"] in self.cancelled else "Tiparit",
            "Parcels": body.get("Parcels"),
            "Envelopes": body.get("Envelopes"),
            "TotalWeight": body.get("TotalWeight"),
            "DeclaredValue": body.get("DeclaredValue"),
            "CashRepayment": body.get("CashRepayment"),
            "BankRepayment": body.get("BankRepayment"),
            "Recipient": body.get("Recipient"),
            "ReturnCode": None,
            "ReturnAwb": None,
        }

    def _by_date(self, request):
        start = datetime.strptime(request.arg("FromDate"), "%m-%d-%Y").date()
        end = datetime.strptime(request.arg("ToDate"), "%m-%d-%Y").date()
        page = max(int(request.arg("pageNumber") or 1), 1)
        per_page = max(int(request.arg("itemsPerPage") or 100), 1)
        dated = [
            self._awb(shipment)
            for shipment in self.shipments.values()
            if start <= shipment["created"].date() <= end
        ]
        return self.json_reply(200, dated[(page - 1) * per_page : page * per_page])

    def _label(self, request):
        if self.take_label_fault():
            return self.label_unavailable()
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

    # -- cash-on-delivery repayments --------------------------------------------

    def _deductions(self, request):
        """``CashAccount/GetByDeductionDate``: the COD amounts transferred on
        ``DeductionDate`` (yyyy-mm-dd), a bare array, zone-less dates."""
        day = request.arg("DeductionDate")
        if not day:
            return self.json_reply(400, ["DeductionDate is required"])
        return self.json_reply(
            200,
            [
                {
                    "BarCode": repayment["awb"],
                    "Date": repayment["collected_on"].isoformat() + "T00:00:00",
                    "RepaymentValue": repayment["amount"],
                    "RepaymentDate": repayment["collected_on"].isoformat()
                    + "T00:00:00",
                    "DeductionDate": repayment["transferred_on"].isoformat()
                    + "T00:00:00",
                    "DeductionId": repayment["reference"] or None,
                    "Receiver": repayment["recipient"],
                    "ToLocality": "Bucuresti",
                    "CustomString": "",
                }
                for repayment in self.repayments
                if repayment["transferred_on"].isoformat() == day
            ],
        )
