/** @odoo-module **/

import { registry } from "@web/core/registry";

/** Type a barcode the way a hardware scanner does: fast keys, then Enter. */
function hardwareScan(barcode) {
    return () => {
        for (const key of [...barcode, "Enter"]) {
            document.body.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
        }
    };
}

function typedScan(barcode) {
    return [
        { trigger: ".o_fulfilment_manual_code", run: `edit ${barcode}` },
        { trigger: ".o_fulfilment_manual_submit", run: "click" },
    ];
}

const line = (product) => `.o_fulfilment_line[data-product='${product}']`;

registry.category("web_tour.tours").add("order_fulfilment_picking_scanner", {
    url: "/odoo",
    steps: () => [
        // The picker lands on the list of deliveries and searches the customer.
        { trigger: ".o_fulfilment_scanner .o_fulfilment_search", run: "edit Tour Client" },
        { trigger: ".o_fulfilment_scanner_filters button[type=submit]", run: "click" },
        { trigger: ".o_fulfilment_picking_card:contains(Tour Client)", run: "click" },
        { trigger: ".o_fulfilment_picking_name:contains(WH/OUT)" },
        // A wrong code: visible warning, nothing picked.
        ...typedScan("5940000000042"),
        { trigger: ".o_fulfilment_warning:contains(Wrong product)" },
        { trigger: ".o_fulfilment_progress:contains(0 / 5)" },
        // Two earbuds with the hardware scanner, one cable typed.
        { trigger: line("Wireless Earbuds"), run: hardwareScan("5940000000011") },
        { trigger: `${line("Wireless Earbuds")} .o_fulfilment_line_qty:contains(1 / 3)` },
        { trigger: line("Wireless Earbuds"), run: hardwareScan("5940000000011") },
        { trigger: `${line("Wireless Earbuds")} .o_fulfilment_line_qty:contains(2 / 3)` },
        ...typedScan("5940000000028"),
        { trigger: `${line("USB-C Cable")} .o_fulfilment_line_qty:contains(1 / 2)` },
        { trigger: ".o_fulfilment_feedback.alert-success" },
        // A second cable then a third one: beyond the demand, refused.
        ...typedScan("5940000000028"),
        { trigger: `${line("USB-C Cable")}.o_fulfilment_line_done` },
        ...typedScan("5940000000028"),
        { trigger: ".o_fulfilment_warning:contains(Too many)" },
        { trigger: `${line("USB-C Cable")} .o_fulfilment_line_qty:contains(2 / 2)` },
        { trigger: ".o_fulfilment_progress:contains(4 / 5)" },
        // Short: validate with a backorder for the last earbud.
        { trigger: ".o_fulfilment_validate", run: "click" },
        { trigger: ".o_fulfilment_backorder_yes", run: "click" },
        // The shipped delivery stays on screen for its documents, then the next one.
        { trigger: ".o_fulfilment_shipped:contains(the rest waits in):contains(Tour Client)" },
        { trigger: ".o_fulfilment_next", run: "click" },
        // Next delivery: the last scan and Validate in one go, Validate tapped
        // before the server answered the scan. The scan must ship too.
        { trigger: ".o_fulfilment_search", run: "edit Swift Client" },
        { trigger: ".o_fulfilment_scanner_filters button[type=submit]", run: "click" },
        { trigger: ".o_fulfilment_picking_card:contains(Swift Client)", run: "click" },
        { trigger: ".o_fulfilment_progress:contains(0 / 2)" },
        { trigger: line("USB-C Cable"), run: hardwareScan("5940000000028") },
        { trigger: `${line("USB-C Cable")} .o_fulfilment_line_qty:contains(1 / 2)` },
        {
            trigger: ".o_fulfilment_validate",
            run() {
                hardwareScan("5940000000028")();
                this.anchor.click();
            },
        },
        { trigger: ".o_fulfilment_shipped:contains(shipped.):contains(Swift Client)" },
        { trigger: ".o_fulfilment_next", run: "click" },
        { trigger: ".o_fulfilment_search" },
    ],
});
