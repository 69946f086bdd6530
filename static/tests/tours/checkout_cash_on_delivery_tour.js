/** @odoo-module **/

import { registry } from "@web/core/registry";
import * as tourUtils from "@website_sale/js/tours/tour_utils";

const radio = (code) => `input[name="o_payment_radio"][data-payment-method-code="${code}"]`;

registry.category("web_tour.tours").add("order_fulfilment_cash_on_delivery_checkout", {
    url: "/shop/checkout",
    steps: () => [
        { content: "The collecting courier is the delivery", trigger: "input[name=o_delivery_radio]:checked" },
        tourUtils.confirmOrder(),
        { content: "No fee before a method is picked", trigger: "#order_payment_fee:not(:visible)" },
        { content: "Pick cash on delivery", trigger: radio("cash_on_delivery"), run: "click" },
        {
            content: "Its fee shows in the totals",
            trigger: "#order_payment_fee:visible .monetary_field:contains(12.20)",
        },
        { content: "The total includes it", trigger: "#order_total .monetary_field:contains(232.20)" },
        { content: "Switch to the card", trigger: radio("card"), run: "click" },
        { content: "The fee is gone", trigger: "#order_payment_fee:not(:visible)" },
        { trigger: "#order_total .monetary_field:contains(220.00)" },
        { content: "Back to cash on delivery", trigger: radio("cash_on_delivery"), run: "click" },
        { trigger: "#order_total .monetary_field:contains(232.20)" },
        ...tourUtils.pay(),
        {
            content: "The order is confirmed: pay the courier",
            trigger: '.oe_website_sale_tx_status:contains("You pay the courier")',
            timeout: 30000,
            run() {
                window.location.href = "/contactus"; // Leave before the status page polls on.
            },
            expectUnloadPage: true,
        },
        { trigger: 'h1:contains("Contact us")' },
    ],
});
