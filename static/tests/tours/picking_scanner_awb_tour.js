/** @odoo-module **/

import { registry } from "@web/core/registry";

// What the screen tried to open by script: phone browsers block such pop-ups
// when they do not come straight from a tap (returning null, as here).
const openedByScript = [];

registry.category("web_tour.tours").add("order_fulfilment_picking_scanner_awb", {
    url: "/odoo",
    steps: () => [
        { trigger: ".o_fulfilment_scanner .o_fulfilment_search", run: "edit Ana Client" },
        { trigger: ".o_fulfilment_scanner_filters button[type=submit]", run: "click" },
        { trigger: ".o_fulfilment_picking_card:contains(Ana Client)", run: "click" },
        {
            trigger: ".o_fulfilment_create_awb",
            run(helpers) {
                window.open = (...args) => {
                    openedByScript.push(args);
                    return null;
                };
                return helpers.click();
            },
        },
        // Once the courier answered, the label is a link the picker taps.
        {
            trigger: "a.o_fulfilment_print_label[target=_blank]:contains(AWB)",
            async run() {
                if (openedByScript.length) {
                    throw new Error(`Opened by script after the courier answered: ${openedByScript}`);
                }
                const response = await fetch(this.anchor.href);
                const type = response.headers.get("Content-Type");
                if (!response.ok || type !== "application/pdf") {
                    throw new Error(`The AWB link gives ${response.status} ${type}, not the label PDF`);
                }
            },
        },
    ],
});
