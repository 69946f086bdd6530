import base64
import io
from datetime import date

import openpyxl

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.order_fulfilment.couriers import CargusClient, FanCourierClient
from odoo.addons.order_fulfilment.couriers.cod_report import parse_report_file
from odoo.addons.order_fulfilment.couriers.fakes import FakeCargus

from .common import COURIER_TIMEOUT
from .payment_common import PaymentQueueCommon

TRANSFER_DAY = date(2026, 11, 27)


class CodSettlementCommon(PaymentQueueCommon):
    """Cash-on-delivery orders shipped with a fake FAN Courier, an accountant
    and the bank journal the couriers transfer the collected cash to."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Shipment attempts and courier logs are written through their own
        # cursor; in tests that cursor shares the test transaction.
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.shipping_product = cls.env["product.product"].create(
            {"name": "Shipping", "type": "service", "list_price": 15.0}
        )
        cls.fan = cls._create_fan_carrier(
            name="FAN test",
            product_id=cls.shipping_product.id,
            fulfilment_collects_cash=True,
        )
        cls.sameday_file = cls.env["delivery.carrier"].create(
            {
                "name": "Sameday (portal export)",
                "delivery_type": "fixed",
                "fixed_price": 15.0,
                "product_id": cls.shipping_product.id,
                "fulfilment_collects_cash": True,
            }
        )
        cls.cod_method = cls.env.ref("order_fulfilment.payment_method_cash_on_delivery")
        cls.cod_provider = cls.env.ref(
            "order_fulfilment.payment_provider_cash_on_delivery"
        )
        cls.cod_provider.state = "enabled"

    def setUp(self):
        super().setUp()
        self.fake.reset()

    def _cod_order(self, carrier=None, price=100.0):
        """A confirmed cash-on-delivery order: its customer chose COD at
        checkout (pending transaction), its delivery is reserved."""
        order = self._create_order(price=price, carrier_id=(carrier or self.fan).id)
        transaction = self.env["payment.transaction"].create(
            {
                "provider_id": self.cod_provider.id,
                "payment_method_id": self.cod_method.id,
                "amount": order.amount_total,
                "currency_id": order.currency_id.id,
                "partner_id": order.partner_id.id,
                "reference": f"{order.name}-cod",
                "sale_order_ids": [Command.set(order.ids)],
            }
        )
        transaction._set_pending()
        if order.state != "sale":
            order.action_confirm()
        order.picking_ids.action_assign()
        self.assertTrue(order.fulfilment_cash_on_delivery)
        return order

    def _completed_cod_order(self, price=100.0):
        """A COD order completed by *Complete Orders*: delivery validated, AWB
        created at the fake FAN Courier with the amount to collect, invoice
        posted and unpaid."""
        order = self._cod_order(price=price)
        order.action_fulfilment_complete()
        self.assertEqual(order.fulfilment_status_id, self.status_completed)
        picking = order.picking_ids
        self.assertTrue(picking.carrier_tracking_ref)
        self.assertEqual(picking.fulfilment_cod_amount, order.amount_total)
        self.assertEqual(order.invoice_ids.payment_state, "not_paid")
        return order

    def _shipped_order(self, awb, carrier=None, price=100.0):
        """A COD order invoiced and handed to the courier under ``awb``."""
        order = self._cod_order(carrier=carrier or self.sameday_file, price=price)
        order.picking_ids.carrier_tracking_ref = awb
        order._create_invoices().action_post()
        return order

    def _settlement(self, carrier, **values):
        """A new settlement of ``carrier`` made by the accountant (form)."""
        settlement_form = Form(
            self.env["fulfilment.cod.settlement"].with_user(self.accountant)
        )
        settlement_form.carrier_id = carrier
        for name, value in values.items():
            setattr(settlement_form, name, value)
        return settlement_form.save()

    def _api_settlement(self, day=TRANSFER_DAY):
        return self._settlement(self.fan, date_from=day, date_to=day)

    def _file_settlement(self, content, filename="ramburs.csv", carrier=None):
        settlement = self._settlement(
            carrier or self.sameday_file, report_file=base64.b64encode(content)
        )
        # The upload widget sets the file name beside the file.
        settlement.report_filename = filename
        return settlement

    def _assert_paid_in_bank(self, order, amount):
        """The order's invoice is paid by one posted payment of ``amount`` in
        the bank journal, reconciled with it."""
        invoice = order.invoice_ids
        self.assertEqual(invoice.state, "posted")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        payments = invoice.matched_payment_ids
        self.assertEqual(len(payments), 1)
        self.assertIn(payments.state, ("in_process", "paid"))
        self.assertEqual(payments.journal_id, self.bank_journal)
        self.assertEqual(payments.amount, amount)
        receivable = (invoice.line_ids | payments.move_id.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertTrue(all(receivable.mapped("reconciled")))
        return payments


@tagged("post_install", "-at_install")
class TestCodSettlement(CodSettlementCommon):
    def test_api_import_pays_completed_cod_order(self):
        """A completed COD order stays in the payment queue; the courier's
        repayment report read through its API (fake FAN over HTTP) matches its
        AWB, registers a real payment reconciled with the posted invoice, and
        the order is paid and leaves the queue."""
        order = self._completed_cod_order()
        awb = order.picking_ids.carrier_tracking_ref
        self.assertTrue(order.fulfilment_payment_queued)
        self.fake.add_repayment(awb, order.amount_total, TRANSFER_DAY, reference="")

        settlement = self._api_settlement()
        self.assertEqual(settlement.source, "api")
        settlement.action_import()
        line = settlement.line_ids
        self.assertEqual(line.awb, awb)
        self.assertEqual(line.order_id, order)
        self.assertEqual(line.picking_id, order.picking_ids)
        self.assertEqual(line.state, "matched")
        self.assertEqual(line.transferred_on, TRANSFER_DAY)
        self.assertEqual(settlement.payment_date, TRANSFER_DAY)
        [request] = self.fake.requests_to("reports/bank-transfers")
        self.assertEqual(request.arg("date"), "2026-11-27")
        self.assertEqual(request.arg("clientId"), "7032158")
        self.assertFalse(order.invoice_ids.matched_payment_ids)  # not paid yet

        settlement.action_register_payments()
        self.assertEqual(line.state, "paid")
        payment = self._assert_paid_in_bank(order, order.amount_total)
        self.assertEqual(line.payment_ids, payment)
        self.assertEqual(payment.date, TRANSFER_DAY)
        self.assertIn(awb, payment.memo)
        self.assertTrue(order.fulfilment_paid_date)
        self.assertFalse(order.fulfilment_payment_queued)
        # The customer's cash-on-delivery transaction is paid now, by that
        # payment, and Odoo's post-processing adds no second payment.
        transaction = order.transaction_ids
        self.assertEqual(transaction.state, "done")
        self.assertEqual(transaction.payment_id, payment)
        self.assertTrue(transaction.is_post_processed)
        transaction._post_process()
        self.assertEqual(order.invoice_ids.matched_payment_ids, payment)
        self.assertEqual(settlement.state, "done")
        self.assertEqual(settlement.amount_paid, order.amount_total)
        queue = self.env["sale.order"].search(
            [("fulfilment_payment_queued", "=", True)]
        )
        self.assertNotIn(order, queue)

    def test_api_import_of_several_days_and_pages(self):
        """The FAN report is asked day by day and page by page (100 lines at
        most per page) until the total it announces is read."""
        orders = [
            self._shipped_order(f"20000000{n:02d}", carrier=self.fan) for n in range(3)
        ]
        for number, order in enumerate(orders):
            day = TRANSFER_DAY if number < 2 else date(2026, 11, 28)
            self.fake.add_repayment(
                order.picking_ids.carrier_tracking_ref, order.amount_total, day
            )
        client = self.fan._fulfilment_client()
        client.cod_report_page_size = 1
        repayments = client.cod_repayments(TRANSFER_DAY, date(2026, 11, 28))
        self.assertEqual(
            [r.awb for r in repayments], ["2000000000", "2000000001", "2000000002"]
        )
        self.assertEqual(
            [
                (r.arg("date"), r.arg("page"))
                for r in self.fake.requests_to("bank-transfers")
            ],
            [("2026-11-27", "1"), ("2026-11-27", "2"), ("2026-11-28", "1")],
        )

        settlement = self._settlement(
            self.fan, date_from=TRANSFER_DAY, date_to=date(2026, 11, 28)
        )
        settlement.action_import()
        self.assertEqual(
            settlement.line_ids.order_id, self.env["sale.order"].union(*orders)
        )
        self.assertEqual(set(settlement.line_ids.mapped("state")), {"matched"})

    def test_reimport_never_pays_twice(self):
        """Importing the same report again (same settlement or a new one) pays
        no AWB a second time."""
        order = self._completed_cod_order()
        awb = order.picking_ids.carrier_tracking_ref
        self.fake.add_repayment(awb, order.amount_total, TRANSFER_DAY)
        settlement = self._api_settlement()
        settlement.action_import()
        settlement.action_register_payments()
        payment = self._assert_paid_in_bank(order, order.amount_total)

        settlement.action_import()  # "Import Again"
        self.assertEqual(len(settlement.line_ids), 1)
        self.assertEqual(settlement.line_ids.payment_ids, payment)

        again = self._api_settlement()
        again.action_import()
        self.assertEqual(again.line_ids.state, "settled")
        self.assertEqual(again.line_ids.order_id, order)
        with self.assertRaisesRegex(UserError, "No line is ready"):
            again.action_register_payments()
        self.assertEqual(order.invoice_ids.matched_payment_ids, payment)
        self.assertEqual(
            self.env["account.payment"].search_count(
                [("partner_id", "=", order.partner_id.id), ("memo", "ilike", awb)]
            ),
            1,
        )

    def test_file_import_lists_unmatched_and_mismatch(self):
        """A portal export (CSV, Romanian headers and amounts): the matching
        AWB is paid; an unknown AWB and an amount different from what the order
        owes are listed with the reason and pay nothing."""
        good = self._shipped_order("1SDA000111")
        short = self._shipped_order("1SDA000222")
        content = (
            "Raport ramburs;;;\n"
            "AWB;Valoare ramburs;Data virament;Referinta\n"
            f"1SDA000111;{good.amount_total:.2f};27.11.2026;{good.name}\n"
            "1SDA000999;55,00;27.11.2026;\n"
            "1SDA000222;80,00;27.11.2026;\n"
            "Total;235,00;;\n"
        ).encode()
        settlement = self._file_settlement(content)
        self.assertEqual(settlement.source, "file")
        settlement.action_import()
        lines = {line.awb: line for line in settlement.line_ids}
        self.assertEqual(set(lines), {"1SDA000111", "1SDA000999", "1SDA000222"})
        self.assertEqual(lines["1SDA000111"].state, "matched")
        self.assertEqual(lines["1SDA000999"].state, "unmatched")
        self.assertFalse(lines["1SDA000999"].order_id)
        self.assertIn("No delivery", lines["1SDA000999"].message)
        self.assertEqual(lines["1SDA000222"].state, "mismatch")
        self.assertEqual(lines["1SDA000222"].order_id, short)
        self.assertEqual(lines["1SDA000222"].difference, 80.0 - short.amount_total)
        self.assertEqual(settlement.problem_count, 2)

        settlement.action_register_payments()
        self.assertEqual(lines["1SDA000111"].state, "paid")
        self._assert_paid_in_bank(good, good.amount_total)
        self.assertEqual(lines["1SDA000222"].state, "mismatch")
        self.assertEqual(short.invoice_ids.payment_state, "not_paid")
        self.assertFalse(short.fulfilment_paid_date)
        self.assertTrue(short.fulfilment_payment_queued)
        self.assertEqual(settlement.problem_count, 2)
        self.assertEqual(settlement.amount_total, good.amount_total + 135.0)

    def test_xlsx_import(self):
        """A portal export in XLSX, with a title row and the amount as a
        number, is read and matched."""
        order = self._shipped_order("1SDA000333")
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["Borderou ramburs Sameday"])
        sheet.append(["Nr. AWB", "Destinatar", "Sumă ramburs", "Data virării"])
        sheet.append(["1SDA000333", "Ana Client", order.amount_total, "27.11.2026"])
        buffer = io.BytesIO()
        book.save(buffer)
        settlement = self._file_settlement(buffer.getvalue(), filename="ramburs.xlsx")
        settlement.action_import()
        line = settlement.line_ids
        self.assertEqual(line.order_id, order)
        self.assertEqual(line.recipient, "Ana Client")
        self.assertEqual(line.transferred_on, TRANSFER_DAY)
        self.assertEqual(line.state, "matched")

    def test_already_paid_order_not_paid_again(self):
        """An order paid otherwise (Mark as paid) before the courier's report
        arrives is listed as already paid, not paid twice."""
        order = self._shipped_order("1SDA000444")
        self._mark_paid(order)
        content = f"AWB,Ramburs\n1SDA000444,{order.amount_total:.2f}\n".encode()
        # Created in code (no form): the reference and the source still fill in.
        settlement = (
            self.env["fulfilment.cod.settlement"]
            .with_user(self.accountant)
            .create(
                {
                    "carrier_id": self.sameday_file.id,
                    "report_file": base64.b64encode(content),
                    "report_filename": "ramburs-27.csv",
                }
            )
        )
        self.assertEqual(
            (settlement.source, settlement.name), ("file", "ramburs-27.csv")
        )
        settlement.action_import()
        self.assertEqual(settlement.line_ids.state, "already_paid")
        with self.assertRaisesRegex(UserError, "No line is ready"):
            settlement.action_register_payments()
        self.assertEqual(len(order.invoice_ids.matched_payment_ids), 1)

    def test_unreadable_file_refused(self):
        """A file without AWB and amount columns is refused with its headers,
        and nothing is imported."""
        settlement = self._file_settlement(b"Client;Total\nAna;100\n")
        with self.assertRaisesRegex(UserError, "No AWB and amount columns.*Client"):
            settlement.action_import()
        self.assertEqual(settlement.state, "draft")
        self.assertFalse(settlement.line_ids)

    def test_courier_without_api_needs_a_file(self):
        """A courier without a repayment API (Sameday) cannot be asked through
        it: the settlement takes a file."""
        settlement = self._settlement(self.sameday_file)
        self.assertEqual(settlement.source, "file")
        settlement.source = "api"
        with self.assertRaisesRegex(UserError, "no repayment report through its API"):
            settlement.action_import()

    def test_settlement_needs_invoicing_rights(self):
        """Settling registers payments: it takes Odoo's invoicing right."""
        self._shipped_order("1SDA000555")
        settlement = self._file_settlement(b"AWB;Ramburs\n1SDA000555;100\n")
        with self.assertRaises(AccessError):
            settlement.with_user(self.operator).action_import()
        self.assertFalse(settlement.line_ids)


@tagged("post_install", "-at_install")
class TestCodReportFormats(CodSettlementCommon):
    """The couriers' report formats read by the plain-Python clients."""

    def test_cargus_deductions_over_http(self):
        """Cargus: CashAccount/GetByDeductionDate asked for each day (ISO
        date), its bare array read with the transfer id as reference."""
        with FakeCargus() as fake:
            fake.add_repayment("1100223344", 149.9, TRANSFER_DAY, reference="D-771")
            fake.add_repayment(
                "1100223355", 20.0, date(2026, 11, 29), reference="D-772"
            )
            client = CargusClient(
                fake.url,
                {
                    "username": "demo",
                    "password": "demo-pass",
                    "subscription_key": fake.subscription_key,
                },
                timeout=COURIER_TIMEOUT,
            )
            repayments = client.cod_repayments(TRANSFER_DAY, date(2026, 11, 28))
            asked = [r.arg("DeductionDate") for r in fake.requests_to("CashAccount")]
        self.assertEqual(asked, ["2026-11-27", "2026-11-28"])
        [repayment] = repayments
        self.assertEqual(repayment.awb, "1100223344")
        self.assertEqual(repayment.amount, 149.9)
        self.assertEqual(repayment.transfer_reference, "D-771")
        self.assertEqual(repayment.transferred_on, TRANSFER_DAY)

    def test_fan_refuses_wrong_client(self):
        """A FAN answer refusing the request is an error, not an empty report."""
        client = FanCourierClient(
            self.fake.url,
            {"username": "demo", "password": "demo-pass", "client_id": "1"},
            timeout=COURIER_TIMEOUT,
        )
        with self.assertRaisesRegex(Exception, "Invalid clientId"):
            client.cod_repayments(TRANSFER_DAY, TRANSFER_DAY)

    def test_amounts_and_dates_both_ways(self):
        """Exports write amounts the Romanian or the English way and dates as
        dd.mm.yyyy or ISO."""
        content = (
            b"awbNumber,amountCollected,transferDate\n"
            b'1,"1.234,56",27.11.2026\n'
            b'2,"1,234.56",2026-11-27\n'
            b"3,99,\n"
        )
        lines = parse_report_file(content, "report.csv")
        self.assertEqual([line.amount for line in lines], [1234.56, 1234.56, 99.0])
        self.assertEqual(
            [line.transferred_on for line in lines], [TRANSFER_DAY, TRANSFER_DAY, None]
        )
