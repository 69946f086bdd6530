"""GLS MyGLS ParcelService over SOAP, through zeep."""

import hashlib
import time
from datetime import datetime, timedelta, timezone

import requests
import zeep
import zeep.exceptions
import zeep.helpers
from lxml import etree
from zeep.cache import InMemoryCache
from zeep.plugins import Plugin
from zeep.transports import Transport

from .base import (
    CourierAuthError,
    CourierClient,
    CourierError,
    CourierTimeout,
    CourierUnavailable,
    ShipmentResult,
    TrackingEvent,
    decode_label,
    parse_local_time,
)

PRINTER_TYPES = {"A4": "A4_2x2", "A6": "Thermo"}
# The WSDL is fetched once per process and hour, not once per shipment.
WSDL_CACHE = InMemoryCache(timeout=3600)
AUTH_ERROR_CODES = {14, 15}  # unauthorized / wrong credentials


class _ExchangeRecorder(Plugin):
    """Hands every SOAP envelope to the client's ``on_exchange`` callback."""

    def __init__(self, client):
        self.client = client
        self.started = None
        self.sent = ""

    def egress(self, envelope, http_headers, operation, binding_options):
        self.started = time.monotonic()
        copy = etree.fromstring(etree.tostring(envelope))
        for node in copy.iter("{*}Password"):
            node.text = "***"
        self.sent = etree.tostring(copy, encoding="unicode")
        return envelope, http_headers

    def ingress(self, envelope, http_headers, operation):
        if self.client.on_exchange:
            copy = etree.fromstring(etree.tostring(envelope))
            for node in copy.iter("{*}Labels"):
                node.text = f"<{len(node.text or '')} base64 characters>"
            self.client.on_exchange(
                "POST",
                f"{self.client.base_url}ParcelService.svc/soap#{operation.name}",
                self.sent,
                200,
                etree.tostring(copy, encoding="unicode")[:4000],
                time.monotonic() - (self.started or time.monotonic()),
            )
        return envelope, http_headers


class GlsClient(CourierClient):
    """GLS: username and SHA-512 password digest in every SOAP request.

    Credentials: ``username``, ``password``, ``client_number``. A label can be
    printed only once, so ``create_shipment`` returns it with the AWB.
    """

    name = "GLS"
    production_url = "https://api.mygls.ro/"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._service = None

    @property
    def service(self):
        if self._service is None:
            transport = Transport(
                session=self.session,
                timeout=self.timeout,
                operation_timeout=self.timeout,
                cache=WSDL_CACHE,
            )
            try:
                client = zeep.Client(
                    f"{self.base_url}ParcelService.svc?singleWsdl",
                    transport=transport,
                    plugins=[_ExchangeRecorder(self)],
                )
            except requests.exceptions.Timeout as exc:
                raise CourierUnavailable(
                    f"{self.name}: the WSDL did not load in time."
                ) from exc
            except requests.exceptions.ConnectionError as exc:
                raise CourierUnavailable(f"{self.name} could not be reached.") from exc
            self._service = client.create_service(
                "{http://tempuri.org/}BasicHttpBinding_IParcelService",
                f"{self.base_url}ParcelService.svc/soap",
            )
        return self._service

    def _auth(self):
        return {
            "Username": self.credentials["username"],
            "Password": hashlib.sha512(self.credentials["password"].encode()).digest(),
        }

    def _call(self, operation, **request):
        try:
            # Plain dicts and lists from here on, whatever zeep's value objects.
            return zeep.helpers.serialize_object(
                getattr(self.service, operation)(**request), dict
            )
        except requests.exceptions.ConnectTimeout as exc:
            raise CourierUnavailable(f"{self.name}: connection timed out.") from exc
        except requests.exceptions.Timeout as exc:
            raise CourierTimeout(f"{self.name} did not answer in time.") from exc
        except requests.exceptions.ConnectionError as exc:
            raise CourierUnavailable(f"{self.name} could not be reached.") from exc
        except zeep.exceptions.TransportError as exc:
            raise CourierUnavailable(
                f"{self.name} failed (HTTP {exc.status_code}).",
                code=str(exc.status_code),
            ) from exc
        except zeep.exceptions.Fault as exc:
            raise CourierError(f"{self.name}: {exc.message}", raw=str(exc)) from exc

    def _raise_errors(self, errors):
        items = (errors or {}).get("ErrorInfo") if errors else None
        if not items:
            return
        message = "; ".join(
            f"{item['ErrorDescription']} (error {item['ErrorCode']})" for item in items
        )
        codes = {item["ErrorCode"] for item in items}
        if codes & AUTH_ERROR_CODES:
            raise CourierAuthError(f"{self.name}: {message}", code=str(min(codes)))
        raise CourierError(f"{self.name}: {message}", code=str(min(codes)))

    def _parcel(self, request):
        recipient = request.recipient
        parcel = {
            "ClientNumber": int(self.credentials["client_number"]),
            "ClientReference": request.reference,
            "CODAmount": round(request.cod_amount, 2) or None,
            "CODReference": request.reference if request.cod_amount else None,
            "Content": request.content,
            "Count": len(request.parcels) or 1,
            "DeliveryAddress": {
                "Name": recipient.company_name or recipient.name,
                "Street": recipient.street,
                "HouseNumber": str(recipient.street_no or ""),
                "City": recipient.city,
                "ZipCode": recipient.zip_code,
                "CountryIsoCode": recipient.country_code,
                "ContactName": recipient.contact_name or recipient.name,
                "ContactPhone": recipient.phone,
                "ContactEmail": recipient.email,
            },
            "PickupDate": datetime.now(timezone.utc),
        }
        services = [code for code in (request.service or "").split(",") if code]
        if request.cod_amount and "COD" not in services:
            services.append("COD")
        if services:
            parcel["ServiceList"] = {"Service": [{"Code": code} for code in services]}
        return parcel

    def create_shipment(self, request):
        result = self._call(
            "PrintLabels",
            printLabelsRequest={
                **self._auth(),
                "ParcelList": {"Parcel": [self._parcel(request)]},
                "TypeOfPrinter": PRINTER_TYPES.get(request.label_format, "A4_2x2"),
            },
        )
        self._raise_errors(result["PrintLabelsErrorList"])
        infos = (result["PrintLabelsInfoList"] or {}).get("PrintLabelsInfo") or []
        if not infos:
            raise CourierError(f"{self.name} returned no parcel.")
        awb = str(infos[0]["ParcelNumber"])
        return ShipmentResult(
            awb=awb,
            label=decode_label(result["Labels"]),
            parcel_numbers=[str(info["ParcelNumber"]) for info in infos],
            tracking_url=self.tracking_url(awb),
            shipment_id=str(infos[0]["ParcelId"]),
            raw={"ParcelId": infos[0]["ParcelId"], "ParcelNumber": awb},
        )

    def find_shipment(self, reference, created_after=None):
        start = created_after or datetime.now(timezone.utc) - timedelta(days=1)
        result = self._call(
            "GetParcelList",
            getParcelListRequest={
                **self._auth(),
                "PrintDateFrom": start - timedelta(minutes=5),
                "PrintDateTo": datetime.now(timezone.utc) + timedelta(minutes=5),
            },
        )
        self._raise_errors(result["GetParcelListErrors"])
        for info in (result["PrintDataInfoList"] or {}).get("PrintDataInfo") or []:
            if info["Parcel"] and info["Parcel"]["ClientReference"] == reference:
                awb = str(info["ParcelNumber"])
                return ShipmentResult(
                    awb=awb,
                    parcel_numbers=[awb],
                    tracking_url=self.tracking_url(awb),
                    shipment_id=str(info["ParcelId"]),
                    raw={"ParcelId": info["ParcelId"], "ParcelNumber": awb},
                )
        return None

    def get_label(self, awb, label_format="A4"):
        raise CourierError(
            f"{self.name} prints a label only once; it was stored when the "
            f"shipment {awb} was created."
        )

    def track(self, awbs):
        result = {}
        for awb in awbs:
            answer = self._call(
                "GetParcelStatuses",
                getParcelStatusesRequest={
                    **self._auth(),
                    "ParcelNumber": int(awb),
                    "ReturnPOD": False,
                    "LanguageIsoCode": "EN",
                },
            )
            self._raise_errors(answer["GetParcelStatusErrors"])
            statuses = (answer["ParcelStatusList"] or {}).get("ParcelStatus") or []
            result[awb] = [
                TrackingEvent(
                    awb=awb,
                    code=str(int(status["StatusCode"])),
                    description=status["StatusDescription"] or "",
                    location=status["DepotCity"] or "",
                    time=parse_local_time(status["StatusDate"]),
                    raw={key: str(status[key]) for key in status},
                )
                for status in statuses
            ]
        return result

    def cancel(self, awb, shipment_id=""):
        # GLS deletes a parcel by its ParcelId, which came with the AWB; an AWB
        # recorded without it (typed in by hand) is looked up first.
        if not shipment_id:
            found = self.find_shipment_by_awb(awb)
            shipment_id = found and found.shipment_id
        if not shipment_id:
            raise CourierError(f"{self.name} does not know the parcel {awb}.")
        result = self._call(
            "DeleteLabels",
            deleteLabelsRequest={
                **self._auth(),
                "ParcelIdList": {"int": [int(shipment_id)]},
            },
        )
        self._raise_errors(result["DeleteLabelsErrorList"])

    def find_shipment_by_awb(self, awb):
        result = self._call(
            "GetParcelList",
            getParcelListRequest={
                **self._auth(),
                "PrintDateFrom": datetime.now(timezone.utc) - timedelta(days=30),
                "PrintDateTo": datetime.now(timezone.utc) + timedelta(minutes=5),
            },
        )
        for info in (result["PrintDataInfoList"] or {}).get("PrintDataInfo") or []:
            if str(info["ParcelNumber"]) == str(awb):
                return ShipmentResult(
                    awb=str(awb),
                    shipment_id=str(info["ParcelId"]),
                    raw={"ParcelId": info["ParcelId"]},
                )
        return None

    @classmethod
    def tracking_url(cls, awb):
        return f"https://gls-group.com/RO/en/parcel-tracking?match={awb}"
