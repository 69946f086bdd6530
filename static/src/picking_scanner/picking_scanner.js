/** @odoo-module **/

import { Component, onWillStart, useRef, useState } from "@odoo/owl";
import { scanBarcode } from "@web/core/barcode/barcode_dialog";
import { isBarcodeScannerSupported } from "@web/core/barcode/barcode_video_scanner";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useBus, useService } from "@web/core/utils/hooks";
import { url } from "@web/core/utils/urls";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

/**
 * Phone picking screen: the deliveries ready to pick, then one delivery whose
 * lines are filled by scanning. Every scan is one RPC; the server keeps the
 * quantities and answers with the new state of the line.
 */
export class PickingScanner extends Component {
    static template = "order_fulfilment.PickingScanner";
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.manualInput = useRef("manualInput");
        this.cameraSupported = isBarcodeScannerSupported();
        this.state = useState({
            view: "list",
            filters: { search: "", carrierId: "", priority: false, scheduledDate: "" },
            pickings: [],
            carriers: [],
            picking: null,
            lines: [],
            feedback: null,
            askBackorder: false,
            shippedMessage: "",
            busy: false,
        });
        const barcode = useService("barcode");
        useBus(barcode.bus, "barcode_scanned", (ev) => this.onBarcodeScanned(ev.detail.barcode));
        const extension = new Audio().canPlayType("audio/ogg") ? "ogg" : "mp3";
        this.sounds = {
            error: new Audio(url(`/barcodes/static/src/audio/error.${extension}`)),
            ok: new Audio(url(`/mail/static/src/audio/ting.${extension}`)),
        };
        onWillStart(() => this.loadPickings());
    }

    // ------------------------------------------------------------------
    // List of deliveries
    // ------------------------------------------------------------------

    async loadPickings() {
        const filters = this.state.filters;
        const result = await this.orm.call("stock.picking", "fulfilment_scanner_pickings", [], {
            search: filters.search || null,
            carrier_id: filters.carrierId ? parseInt(filters.carrierId) : null,
            priority: filters.priority,
            scheduled_date: filters.scheduledDate || null,
        });
        this.state.pickings = result.pickings;
        this.state.carriers = result.carriers;
    }

    onFilterChange() {
        this.loadPickings();
    }

    onSearchSubmit(ev) {
        ev.preventDefault();
        this.loadPickings();
    }

    async openPicking(pickingId) {
        const data = await this.orm.call("stock.picking", "fulfilment_scanner_data", [[pickingId]]);
        const { lines, ...picking } = data;
        this.state.picking = picking;
        this.state.lines = lines;
        this.state.feedback = null;
        this.state.askBackorder = false;
        this.state.view = "picking";
    }

    async backToList() {
        this.state.view = "list";
        this.state.picking = null;
        this.state.feedback = null;
        await this.loadPickings();
    }

    // ------------------------------------------------------------------
    // Scanning
    // ------------------------------------------------------------------

    async onBarcodeScanned(barcode) {
        if (this.state.view === "list") {
            // A delivery slip's reference opens that delivery.
            const picking = this.state.pickings.find((p) => p.name === barcode);
            if (picking) {
                return this.openPicking(picking.id);
            }
            this.state.filters.search = barcode;
            return this.loadPickings();
        }
        // Scans are sent one after the other, in order; none is lost.
        const run = () => this.scan(barcode);
        this.queue = (this.queue || Promise.resolve()).then(run, run);
        return this.queue;
    }

    async scan(barcode) {
        this.state.busy = true;
        try {
            const result = await this.orm.call("stock.picking", "fulfilment_scan", [
                [this.state.picking.id],
                barcode,
            ]);
            Object.assign(this.state.picking, result.picking);
            if (result.line) {
                const index = this.state.lines.findIndex((line) => line.id === result.line.id);
                if (index >= 0) {
                    this.state.lines[index] = result.line;
                }
            }
            this.state.feedback = {
                ok: result.ok,
                message: result.ok
                    ? _t("%(product)s: %(picked)s / %(demand)s", {
                          product: result.line.product,
                          picked: result.line.picked,
                          demand: result.line.demand,
                      })
                    : result.message,
                lineId: result.line && result.line.id,
                barcode,
            };
            this.playSound(result.ok ? "ok" : "error");
            if (!result.ok && "vibrate" in navigator) {
                navigator.vibrate([200, 100, 200]);
            }
        } finally {
            this.state.busy = false;
        }
    }

    playSound(name) {
        const sound = this.sounds[name];
        sound.currentTime = 0;
        // Browsers refuse to play before the first user gesture: the visible warning stays.
        sound.play().catch(() => {});
    }

    async onManualSubmit(ev) {
        ev.preventDefault();
        const input = this.manualInput.el;
        const code = input.value.trim();
        if (code) {
            input.value = "";
            await this.onBarcodeScanned(code);
        }
    }

    async openCamera() {
        let barcode = null;
        try {
            barcode = await scanBarcode(this.env);
        } catch (error) {
            this.notification.add(error.message, { type: "warning" });
            return;
        }
        if (barcode) {
            await this.onBarcodeScanned(barcode);
        }
    }

    // ------------------------------------------------------------------
    // Validation and documents
    // ------------------------------------------------------------------

    async validate(backorder = null) {
        const result = await this.orm.call("stock.picking", "fulfilment_scanner_validate", [
            [this.state.picking.id],
        ], { backorder });
        if (result.status === "short") {
            this.state.askBackorder = true;
            return;
        }
        this.state.askBackorder = false;
        const message = result.backorders.length
            ? _t("%(picking)s shipped; the rest waits in %(backorders)s.", {
                  picking: this.state.picking.name,
                  backorders: result.backorders.join(", "),
              })
            : _t("%(picking)s shipped.", { picking: this.state.picking.name });
        this.playSound("ok");
        // The parcel still needs its documents: stay on the shipped delivery.
        this.state.picking = result.picking;
        this.state.shippedMessage = message;
        this.state.feedback = null;
        this.state.view = "shipped";
    }

    printDeliverySlip() {
        window.open(`/fulfilment/picking/${this.state.picking.id}/delivery_slip`, "_blank");
    }

    printLabel() {
        window.open(`/fulfilment/picking/${this.state.picking.id}/label`, "_blank");
    }

    async createAwb() {
        this.state.busy = true;
        try {
            const header = await this.orm.call("stock.picking", "fulfilment_scanner_create_awb", [
                [this.state.picking.id],
            ]);
            Object.assign(this.state.picking, header);
            this.notification.add(_t("AWB %(awb)s created.", { awb: header.awb }), {
                type: "success",
            });
        } finally {
            this.state.busy = false;
        }
        if (this.state.picking.has_label) {
            this.printLabel();
        }
    }

    lineClass(line) {
        const classes = [];
        if (line.picked >= line.demand) {
            classes.push("o_fulfilment_line_done");
        } else if (line.picked > 0) {
            classes.push("o_fulfilment_line_partial");
        }
        if (this.state.feedback && this.state.feedback.lineId === line.id) {
            classes.push(this.state.feedback.ok ? "o_fulfilment_line_last" : "o_fulfilment_line_refused");
        }
        return classes.join(" ");
    }

    imageUrl(line) {
        return url(`/web/image/product.product/${line.product_id}/image_128`);
    }
}

registry.category("actions").add("order_fulfilment.picking_scanner", PickingScanner);
