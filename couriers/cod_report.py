"""Cash-on-delivery repayment reports ("borderou de ramburs"), in plain Python.

The courier collects the COD amounts ("ramburs") and pays them back later in
one bank transfer, with a report listing the AWBs. ``CodRepayment`` is one line
of such a report, whichever way it arrived:

- through the courier's API (``CourierClient.cod_repayments``): FAN Courier
  ``GET reports/bank-transfers`` and Cargus ``GET CashAccount/GetByDeductionDate``
  (see their clients for the sources of each wire format);
- from the file the courier's customer portal exports (CSV or XLSX), read by
  ``parse_report_file``: Sameday publishes no repayment endpoint, and any courier's
  export can be uploaded.

The column names of the portal exports are not published by any courier: the
reader recognises the names of the API fields (FAN ``awbNumber`` /
``amountCollected`` / ``transferDate``, Cargus ``BarCode`` / ``RepaymentValue`` /
``DeductionDate``) and the usual Romanian headers ("AWB", "Ramburs", "Suma",
"Data virament", "Referinta"...), whatever their case, accents or punctuation.
Which of these headers each portal uses is unverified: a file whose AWB or
amount column cannot be found is refused with the headers it has.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from .base import BUCHAREST, CourierError


@dataclass
class CodRepayment:
    """One AWB of a repayment report: what the courier paid back for it."""

    awb: str
    amount: float
    currency: str = "RON"
    # When the courier transferred the money to the shop (the report's date);
    # None when the courier collected it but has not transferred it yet.
    transferred_on: date = None
    collected_on: date = None  # when the courier took the cash from the customer
    # The courier's reference of the transfer (Cargus DeductionId, a payment
    # order number from a file); empty when the courier gives none.
    transfer_reference: str = ""
    # The shop's text printed on the AWB (FAN content, Cargus CustomString).
    client_reference: str = ""
    recipient: str = ""
    raw: object = None


def courier_date(value):
    """A calendar date (Bucharest) from what the couriers write: ``27.02.2023``,
    ``2023-02-27``, ``2023-02-27T10:11:12``, ``27/02/2023``, a ``datetime`` or a
    ``date``. None for an empty value.

    :raise CourierError: for anything else
    """
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(BUCHAREST)
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is not None:
        return courier_date(moment)
    for fmt in (
        "%d.%m.%Y",
        "%d/%m/%Y",
        "%d-%m-%Y",
        "%d.%m.%Y %H:%M:%S",
        "%d.%m.%Y %H:%M",
    ):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CourierError(f"Unreadable date in the repayment report: {value}")


def courier_amount(value):
    """An amount from a number or a text written the Romanian (``1.234,56``) or
    the English (``1,234.56``) way.

    :raise CourierError: when it is not a number
    """
    if isinstance(value, int | float):
        return round(float(value), 2)
    text = re.sub(r"[^\d,.\-]", "", str(value or ""))
    if not text:
        raise CourierError(f"Unreadable amount in the repayment report: {value!r}")
    if "," in text and "." in text:
        # The last separator is the decimal one.
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    try:
        return round(float(text), 2)
    except ValueError as exc:
        raise CourierError(
            f"Unreadable amount in the repayment report: {value!r}"
        ) from exc


# ---------------------------------------------------------------------------
# Portal exports (CSV / XLSX)
# ---------------------------------------------------------------------------

# Normalised header names (see ``_normalise``) of each column. The first group
# of each list are the API field names (verified from the public clients named
# in fan.py and cargus.py); the Romanian headers are what couriers' exports
# usually carry, unverified per courier.
COLUMN_ALIASES = {
    "awb": (
        "awbnumber",
        "barcode",
        "awb",
        "nrawb",
        "numarawb",
        "awbnr",
        "codawb",
        "expeditie",
    ),
    "amount": (
        "amountcollected",
        "repaymentvalue",
        "ramburs",
        "valoareramburs",
        "sumaramburs",
        "rambursincasat",
        "sumaincasata",
        "valoareincasata",
        "suma",
        "valoare",
        "codamount",
        "cashondelivery",
        "amount",
    ),
    "transferred_on": (
        "transferdate",
        "deductiondate",
        "datavirament",
        "datavirare",
        "datavirarii",
        "datatransfer",
        "dataplata",
        "dataop",
    ),
    "collected_on": (
        "transactiondate",
        "repaymentdate",
        "dataincasare",
        "dataincasarii",
        "datalivrare",
        "datalivrarii",
    ),
    "transfer_reference": (
        "deductionid",
        "ordindeplata",
        "numarop",
        "nrop",
        "op",
        "referintaplata",
        "borderou",
        "nrborderou",
    ),
    "client_reference": (
        "content",
        "customstring",
        "clientinternalreference",
        "referinta",
        "referintaclient",
        "nrcomanda",
        "comanda",
        "observatii",
        "continut",
    ),
    "recipient": (
        "receiver",
        "recipientname",
        "destinatar",
        "numedestinatar",
        "recipient",
    ),
}
HEADER_ROWS_SCANNED = 15  # exports often start with a title and the account


def _normalise(header):
    text = unicodedata.normalize("NFKD", str(header or ""))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _columns(header_row):
    """``{field: index}`` for the header row, or None without AWB and amount."""
    names = [_normalise(cell) for cell in header_row]
    found = {}
    for field, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            if alias in names:
                found[field] = names.index(alias)
                break
    if "awb" in found and "amount" in found:
        return found
    return None


def _rows_of_csv(content):
    text = content.decode("utf-8-sig", errors="strict") if content else ""
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return list(csv.reader(io.StringIO(text), dialect))


def _rows_of_xlsx(content):
    import openpyxl  # only file imports need it

    try:
        book = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True
        )
    except Exception as exc:  # openpyxl raises many kinds
        raise CourierError(f"The file is not a readable XLSX workbook: {exc}") from exc
    sheet = book.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def parse_report_file(content, filename=""):
    """The repayment lines of a CSV or XLSX export.

    Rows without an AWB (totals, blank lines) are skipped. Amounts are read the
    Romanian or the English way; dates as ``courier_date`` reads them.

    :param content: the file's bytes
    :param filename: its name; ``.xlsx`` selects the workbook reader, any other
        name the CSV one (``;``, ``,`` or tab separated, UTF-8)
    :return: list of ``CodRepayment``
    :raise CourierError: when the file cannot be read or has no AWB / amount
        column, or a line has an unreadable amount or date
    """
    is_xlsx = filename.lower().endswith((".xlsx", ".xlsm")) or content[:2] == b"PK"
    try:
        rows = _rows_of_xlsx(content) if is_xlsx else _rows_of_csv(content)
    except UnicodeDecodeError as exc:
        raise CourierError("The CSV file is not UTF-8 text.") from exc
    columns = None
    first_line = 1
    for index, row in enumerate(rows[:HEADER_ROWS_SCANNED]):
        columns = _columns(row)
        if columns:
            rows = rows[index + 1 :]
            first_line = index + 2  # the file's line number of the first row
            break
    if not columns:
        first = next((row for row in rows if any(row)), [])
        raise CourierError(
            "No AWB and amount columns in the file. Its first row: "
            + ", ".join(str(cell) for cell in first if cell not in (None, ""))
        )

    def cell(row, field):
        index = columns.get(field)
        if index is None or index >= len(row):
            return None
        value = row[index]
        return value.strip() if isinstance(value, str) else value

    repayments = []
    for number, row in enumerate(rows, start=first_line):
        awb = cell(row, "awb")
        if isinstance(awb, float) and awb.is_integer():
            awb = int(awb)  # a spreadsheet keeps long numbers as floats
        awb = str(awb or "").strip()
        if not awb or not re.search(r"\d", awb):
            continue
        try:
            repayments.append(
                CodRepayment(
                    awb=awb,
                    amount=courier_amount(cell(row, "amount")),
                    transferred_on=courier_date(cell(row, "transferred_on")),
                    collected_on=courier_date(cell(row, "collected_on")),
                    transfer_reference=str(cell(row, "transfer_reference") or ""),
                    client_reference=str(cell(row, "client_reference") or ""),
                    recipient=str(cell(row, "recipient") or ""),
                    raw=[str(value) if value is not None else "" for value in row],
                )
            )
        except CourierError as exc:
            raise CourierError(f"Line {number}: {exc.message}") from exc
    return repayments
