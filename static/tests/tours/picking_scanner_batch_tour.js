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

const LAMP = "5940000000073";
const MUG = "5940000000080";
const card = (customer) => `div:has(> .o_fulfilment_picking_card:contains(${customer}))`;

/** Scan ``barcode`` and wait until the screen names the tote it goes into. */
function scanInto(barcode, tote, progress) {
    return [
        { trigger: ".o_fulfilment_batch_name", run: hardwareScan(barcode) },
        { trigger: `.o_fulfilment_progress:contains(${progress})` },
        { trigger: `.o_fulfilment_batch_target:contains(Tote ${tote})` },
    ];
}

registry.category("web_tour.tours").add("order_fulfilment_picking_scanner_batch", {
    url: "/odoo",
    steps: () => [
        // Two deliveries ticked on the list are picked together.
        { trigger: `${card("Client A")} .o_fulfilment_select input`, run: "click" },
        { trigger: `${card("Client B")} .o_fulfilment_select input`, run: "click" },
        { trigger: ".o_fulfilment_batch_create:contains(Pick 2 deliveries together)", run: "click" },
        { trigger: ".o_fulfilment_batch_name:contains(BATCH)" },
        { trigger: ".o_fulfilment_progress:contains(0 / 6)" },
        // Each scan says which tote the item goes into.
        ...scanInto(LAMP, 1, "1 / 6"),
        ...scanInto(LAMP, 1, "2 / 6"),
        ...scanInto(LAMP, 2, "3 / 6"),
        ...scanInto(MUG, 1, "4 / 6"),
        ...scanInto(LAMP, 2, "5 / 6"),
        ...scanInto(LAMP, 2, "6 / 6"),
        // One lamp too many: refused, nothing counted.
        { trigger: ".o_fulfilment_batch_name", run: hardwareScan(LAMP) },
        { trigger: ".o_fulfilment_warning:contains(Too many)" },
        { trigger: ".o_fulfilment_progress:contains(6 / 6)" },
        { trigger: ".o_fulfilment_line[data-product='Desk Lamp'] .o_fulfilment_line_tote[data-tote='2']:contains(3/3)" },
        // Validated: each delivery shipped on its own, with its documents.
        { trigger: ".o_fulfilment_validate", run: "click" },
        { trigger: ".o_fulfilment_batch_shipped .o_fulfilment_shipped_delivery:contains(Client A)" },
        { trigger: ".o_fulfilment_batch_shipped .o_fulfilment_shipped_delivery:contains(Client B)" },
        { trigger: ".o_fulfilment_next", run: "click" },
        // Back on the list: the delivery left out is still there to pick.
        { trigger: ".o_fulfilment_picking_card:contains(Client C)" },
    ],
});
