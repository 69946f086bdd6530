import lxml.html

from odoo.tests import tagged

from .checkout_common import ShopCheckoutCase

COMPANY = {
    "fulfilment_customer_type": "company",
    "company_name": "Acme Distributie SRL",
    "company_registry": "J12/345/2015",
    "street_name": "Strada Fabricii",
    "street_number": "10",
}


@tagged("post_install", "-at_install")
class TestCompanyCheckout(ShopCheckoutCase):
    """Company customers at checkout, through the shop's own routes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.proforma = cls.env.ref("order_fulfilment.payment_provider_proforma")
        cls.proforma.write({"state": "enabled", "is_published": True})
        cls.proforma_method = cls.env.ref("order_fulfilment.payment_method_proforma")

    def _payment_providers(self):
        page = lxml.html.fromstring(self._payment_page())
        return {
            int(radio.get("data-provider-id"))
            for radio in page.xpath("//input[@name='o_payment_radio']")
        }

    def test_address_form_asks_person_or_company(self):
        """The billing address form offers "person or company" and the company's
        CUI and trade register number."""
        self._add_to_cart()
        page = lxml.html.fromstring(self.url_open("/shop/address").text)
        choices = page.xpath("//input[@name='fulfilment_customer_type']/@value")
        self.assertEqual(set(choices), {"person", "company"})
        for name in ("company_name", "vat", "company_registry"):
            self.assertTrue(page.xpath(f"//input[@name='{name}']"), name)

    def test_bad_cui_refused(self):
        """A CUI with a wrong check digit is refused with a clear message, and
        no customer is created."""
        order = self._add_to_cart()
        answer = self._submit_address(**COMPANY, vat="RO18547291")
        self.assertIn("vat", answer.get("invalid_fields", []), answer)
        self.assertTrue(any("CUI" in message for message in answer["messages"]))
        self.assertFalse(
            self.env["res.partner"].search([("name", "=", COMPANY["company_name"])])
        )
        self.env.invalidate_all()
        self.assertEqual(order.partner_id, self.website.user_id.partner_id)

    def test_missing_cui_refused(self):
        """A company without CUI is refused."""
        self._add_to_cart()
        answer = self._submit_address(**COMPANY, vat="")
        self.assertIn("vat", answer.get("invalid_fields", []), answer)

    def test_good_cui_stored_and_invoiced_to_the_company(self):
        """A valid CUI (RO prefix optional, spaces allowed) is stored on a company
        partner with its trade register number and registered address; the
        order and its invoice go to the company."""
        order = self._add_to_cart()
        answer = self._submit_address(**COMPANY, vat="ro 18547290")
        self.assertIn("redirectUrl", answer, answer)
        self.env.invalidate_all()
        company = order.partner_invoice_id
        self.assertTrue(company.is_company)
        self.assertEqual(company.name, "Acme Distributie SRL")
        self.assertEqual(company.vat, "RO18547290")
        self.assertEqual(company.company_registry, "J12/345/2015")
        self.assertEqual(company.street, "Strada Fabricii 10")
        self.assertEqual(company.country_id, self.romania)
        self.assertEqual(order.partner_id, company)

        order.action_confirm()
        invoice = order._create_invoices()
        self.assertEqual(invoice.partner_id, company)
        self.assertEqual(invoice.commercial_partner_id.vat, "RO18547290")

    def test_cui_without_prefix_accepted(self):
        """The bare CUI, without RO, is valid too."""
        order = self._add_to_cart()
        answer = self._submit_address(**COMPANY, vat="18547290")
        self.assertIn("redirectUrl", answer, answer)
        self.env.invalidate_all()
        # Kept as typed; with Romania's accounting localisation (l10n_ro_config,
        # base_vat) Odoo stores it with the country prefix, its own convention.
        self.assertIn(order.partner_invoice_id.vat, ("18547290", "RO18547290"))

    def test_company_only_method_and_proforma(self):
        """Bank order against pro-forma is offered to a company only; choosing it
        e-mails the pro-forma invoice and leaves the order awaiting payment."""
        order = self._add_to_cart()
        self._submit_address()  # a person
        self._set_delivery(self.courier)
        self.assertNotIn(self.proforma.id, self._payment_providers())

        self._submit_address(
            **COMPANY, vat="RO18547290", partner_id=str(order.partner_id.id)
        )
        self.env.invalidate_all()
        self.assertTrue(order.partner_invoice_id.is_company)
        self.assertIn(self.proforma.id, self._payment_providers())

        processing = self._pay(
            order, self.proforma, self.proforma_method, order.amount_total
        )
        form = lxml.html.fromstring(processing["redirect_form_html"])
        fields = {field.get("name"): field.get("value") for field in form.iter("input")}
        self.url_open(form.get("action"), data=fields, allow_redirects=False)
        self.make_jsonrpc_request("/payment/status/poll", {})

        self.env.invalidate_all()
        self.assertEqual(order.transaction_ids.state, "pending")
        self.assertEqual(order.state, "sent", "waits for the money as a quotation")
        self.assertTrue(order.fulfilment_payment_queued)
        proforma_mail = order.message_ids.filtered(
            lambda message: "pro-forma" in (message.subject or "")
        )
        self.assertEqual(len(proforma_mail), 1)
        self.assertIn(order.partner_invoice_id, proforma_mail.partner_ids)
        self.assertEqual(len(proforma_mail.attachment_ids), 1)
