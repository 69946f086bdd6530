from odoo.tests import new_test_user, tagged

from .common import FulfilmentCommon


@tagged("post_install", "-at_install")
class TestCourierLog(FulfilmentCommon):
    """Who sees the exchanges with the couriers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The logs are written through a cursor of their own, which shares
        # the test transaction in test mode.
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.carrier = cls._create_fan_carrier()
        cls.other_company = cls.env["res.company"].create({"name": "Other Shop SRL"})
        cls.other_manager = new_test_user(
            cls.env,
            login="other_company_manager",
            groups="base.group_user,order_fulfilment.group_manager",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )

    def _log(self, company):
        # A carrier shared by the companies: the log takes the company the
        # exchange was made for.
        self.env["fulfilment.courier.log"].with_company(company)._store_detached_many(
            [
                (
                    self.carrier,
                    None,
                    [("GET", f"{self.fake.url}reports/awb", "", 200, "{}", 0.1)],
                )
            ]
        )
        return self.env["fulfilment.courier.log"].search(
            [("carrier_id", "=", self.carrier.id), ("company_id", "=", company.id)]
        )

    def test_logs_of_another_company_hidden(self):
        """A fulfilment manager sees the courier exchanges of his companies
        only, not those of another company."""
        mine = self._log(self.other_company)
        theirs = self._log(self.company)
        self.assertTrue(mine and theirs)
        visible = (
            self.env["fulfilment.courier.log"]
            .with_user(self.other_manager)
            .search([("carrier_id", "=", self.carrier.id)])
        )
        self.assertEqual(visible, mine)
        self.assertEqual(
            self.env["fulfilment.courier.log"]
            .with_user(self.manager)
            .search([("carrier_id", "=", self.carrier.id)]),
            theirs,
        )
