"""Fake GLS MyGLS ParcelService: SOAP 1.1 with its own WSDL."""

import base64
import hashlib
import os
from xml.sax.saxutils import escape

from lxml import etree

from .base import FakeCourierServer, render_label

WSDL_PATH = os.path.join(os.path.dirname(__file__), "gls.wsdl")
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
DATA_NS = "http://schemas.datacontract.org/2004/07/GLS.MyGLS.ServiceData"


def _find(node, name):
    found = node.find(f".//{{*}}{name}") if node is not None else None
    return found


def _text(node, name, default=""):
    found = _find(node, name)
    return found.text if found is not None and found.text is not None else default


class FakeGls(FakeCourierServer):
    courier = "GLS"
    client_number = "100000001"

    def route(self, request):
        if request.method == "GET" and request.path == "/ParcelService.svc":
            with open(WSDL_PATH, encoding="utf-8") as wsdl:
                content = wsdl.read().replace(
                    "__ENDPOINT__", f"{self.url}ParcelService.svc/soap"
                )
            return 200, {"Content-Type": "text/xml; charset=utf-8"}, content.encode()
        if request.method != "POST" or request.path != "/ParcelService.svc/soap":
            return 404, {"Content-Type": "text/plain"}, b"Endpoint not found."
        action = (request.headers.get("SOAPAction") or "").strip('"').rsplit("/", 1)[-1]
        body = etree.fromstring(request.body).find(f"{{{SOAP_NS}}}Body")[0]
        expected = base64.b64encode(
            hashlib.sha512(self.password.encode()).digest()
        ).decode()
        if (
            _text(body, "Username") != self.username
            or _text(body, "Password") != expected
        ):
            return self._reply(action, self._errors(action, 14, "Unauthorized."))
        fault = self.take_fault()
        if fault == "timeout":
            self.sleep_past_timeout()
        if fault == "http_500":
            return (
                500,
                {"Content-Type": "text/plain"},
                b"The server encountered an error.",
            )
        handler = getattr(self, f"_op_{action}", None)
        if not handler:
            return 500, {"Content-Type": "text/plain"}, b"Unknown SOAPAction."
        reply = self._reply(action, handler(body, fault))
        if action == "PrintLabels":
            return self.after_create(fault, reply)
        return reply

    # -- operations --------------------------------------------------------

    def _op_PrintLabels(self, body, fault):
        if fault == "error_in_200":
            return self._errors(
                "PrintLabels", 1000, "Invalid ZipCode for the given city."
            )
        parcel = _find(body, "Parcel")
        reference = _text(parcel, "ClientReference")
        if _text(parcel, "ClientNumber") != self.client_number:
            return self._errors("PrintLabels", 9, "Invalid ClientNumber.")
        address = _find(parcel, "DeliveryAddress")
        number = self.next_number("5")
        parcel_id = int(number[-6:]) + 700000
        cod = float(_text(parcel, "CODAmount", "0") or 0)
        label_format = "A6" if _text(body, "TypeOfPrinter") == "Thermo" else "A4"
        self.shipments[number] = {
            "awb": number,
            "parcel_id": parcel_id,
            "reference": reference,
            "cod": cod,
            "created": self.local_now(),
            "recipient": [
                _text(address, "Name"),
                f"{_text(address, 'Street')} {_text(address, 'HouseNumber')}",
                f"{_text(address, 'ZipCode')} {_text(address, 'City')}",
                _text(address, "ContactPhone"),
            ],
        }
        pdf = render_label(
            self.courier,
            number,
            self.shipments[number]["recipient"],
            cod,
            label_format,
            reference,
        )
        return (
            f"<d:Labels>{base64.b64encode(pdf).decode()}</d:Labels>"
            "<d:PrintLabelsErrorList/>"
            "<d:PrintLabelsInfoList><d:PrintLabelsInfo>"
            f"<d:ClientReference>{escape(reference)}</d:ClientReference>"
            f"<d:ParcelId>{parcel_id}</d:ParcelId>"
            f"<d:ParcelNumber>{number}</d:ParcelNumber>"
            "</d:PrintLabelsInfo></d:PrintLabelsInfoList>"
        )

    def _op_GetParcelStatuses(self, body, fault):
        number = _text(body, "ParcelNumber")
        if number not in self.shipments:
            return self._errors("GetParcelStatuses", 32, "Parcel number not found.")
        statuses = "".join(
            "<d:ParcelStatus>"
            f"<d:DepotCity>{escape(event['location'])}</d:DepotCity>"
            f"<d:StatusCode>{int(event['code']):02d}</d:StatusCode>"
            f"<d:StatusDate>{event['when'].strftime('%Y-%m-%dT%H:%M:%S')}</d:StatusDate>"
            f"<d:StatusDescription>{escape(event['description'])}</d:StatusDescription>"
            "</d:ParcelStatus>"
            for event in self.events.get(number, [])
        )
        return (
            "<d:GetParcelStatusErrors/>"
            f"<d:ParcelNumber>{number}</d:ParcelNumber>"
            f"<d:ParcelStatusList>{statuses}</d:ParcelStatusList>"
        )

    def _op_DeleteLabels(self, body, fault):
        ids = [int(node.text) for node in body.iter(f"{{{DATA_NS}}}int")]
        deleted = []
        for shipment in self.shipments.values():
            if shipment["parcel_id"] in ids:
                if self.events.get(shipment["awb"]):
                    return self._errors(
                        "DeleteLabels", 21, "Parcel already in transit."
                    )
                self.cancelled.add(shipment["awb"])
                deleted.append(shipment["parcel_id"])
        if not deleted:
            return self._errors("DeleteLabels", 33, "Parcel id not found.")
        items = "".join(f"<d:int>{parcel_id}</d:int>" for parcel_id in deleted)
        return (
            "<d:DeleteLabelsErrorList/>"
            f"<d:SuccessfullyDeletedList>{items}</d:SuccessfullyDeletedList>"
        )

    def _op_GetParcelList(self, body, fault):
        infos = "".join(
            "<d:PrintDataInfo><d:Parcel>"
            f"<d:ClientNumber>{self.client_number}</d:ClientNumber>"
            "<d:ClientReference>"
            f"{escape(shipment['reference'] or '')}"
            "</d:ClientReference>"
            "</d:Parcel>"
            f"<d:ParcelId>{shipment['parcel_id']}</d:ParcelId>"
            f"<d:ParcelNumber>{shipment['awb']}</d:ParcelNumber>"
            "</d:PrintDataInfo>"
            for shipment in self.shipments.values()
            if shipment["awb"] not in self.cancelled
        )
        listing = f"<d:PrintDataInfoList>{infos}</d:PrintDataInfoList>"
        return f"<d:GetParcelListErrors/>{listing}"

    # -- envelopes ---------------------------------------------------------

    @staticmethod
    def _errors(action, code, description):
        element = {
            "PrintLabels": "PrintLabelsErrorList",
            "GetParcelStatuses": "GetParcelStatusErrors",
            "DeleteLabels": "DeleteLabelsErrorList",
            "GetParcelList": "GetParcelListErrors",
        }.get(action, "Errors")
        return (
            f"<d:{element}><d:ErrorInfo><d:ErrorCode>{code}</d:ErrorCode>"
            f"<d:ErrorDescription>{escape(description)}</d:ErrorDescription>"
            f"</d:ErrorInfo></d:{element}>"
        )

    @staticmethod
    def _reply(action, inner):
        envelope = (
            f'<s:Envelope xmlns:s="{SOAP_NS}"><s:Body>'
            f'<{action}Response xmlns="http://tempuri.org/">'
            f'<{action}Result xmlns:d="{DATA_NS}">{inner}</{action}Result>'
            f"</{action}Response></s:Body></s:Envelope>"
        )
        return 200, {"Content-Type": "text/xml; charset=utf-8"}, envelope.encode()
