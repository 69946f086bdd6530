/** @odoo-module **/

import { Component, onWillStart, useRef, useState } from "@odoo/owl";
import { scanBarcode } from "@web/core/barcode/barcode_dialog";
import { isBarcodeScannerSupported } from "@web/core/barcode/barcode_video_scanner";
import { useBus, useService } from "@web/core/utils/hooks";
import { url } from "@web/core/utils/urls";
import { ScanSounds } from "./scan_sounds";

/**
 * A batch being picked: several deliveries in one walk. The lines are the
 * products of all the deliveries in walking order, with what each delivery
 * needs; a scan is counted on the first delivery that still needs the
 * product and the screen says which tote the item goes into.
 *
 * As for one delivery, scans and validation go to the server one after the
 * other, in the order the picker made them.
 */
export class PickingScannerBatch extends Component {
    static template = "order_fulfilment.PickingScannerBatch";
    static props = {
        batchId: Number,
        onBack: Function,
        // Called with the validation's result (shipped deliveries, backorders).
        onShipped: Function,
    };

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.manualInput = useRef("manualInput");
        this.cameraSupported = isBarcodeScannerSupported();
        this.sounds = new ScanSounds();
        this.state = useState({
            batch: null,
            deliveries: [],
            lines: [],
            feedback: null,
            askBackorder: null,
            busy: false,
        });
        this.queue = Promise.resolve();
        this.validating = false;
        const barcode = useService("barcode");
        useBus(barcode.bus, "barcode_scanned", (ev) => this.onBarcodeScanned(ev.detail.barcode));
        onWillStart(() => this.loadBatch());
    }

    async loadBatch() {
        const data = await this.orm.call("stock.picking.batch", "fulfilment_scanner_data", [
            [this.props.batchId],
        ]);
        const { lines, deliveries, ...batch } = data;
        this.state.batch = batch;
        this.state.deliveries = deliveries;
        this.state.lines = lines;
    }

    enqueue(job) {
        this.queue = this.queue.then(job, job);
        return this.queue;
    }

    // ------------------------------------------------------------------
    // Scanning
    // ------------------------------------------------------------------

    onBarcodeScanned(barcode) {
        return this.enqueue(() => this.scan(barcode));
    }

    async scan(barcode) {
        this.state.busy = true;
        try {
            const result = await this.orm.call("stock.picking.batch", "fulfilment_scan", [
                [this.state.batch.id],
                barcode,
            ]);
            Object.assign(this.state.batch, result.batch);
            if (result.line) {
                const index = this.state.lines.findIndex((line) => line.id === result.line.id);
                if (index >= 0) {
                    this.state.lines[index] = result.line;
                }
            }
            if (result.delivery) {
                const index = this.state.deliveries.findIndex((d) => d.id === result.delivery.id);
                if (index >= 0) {
                    this.state.deliveries[index] = result.delivery;
                }
            }
            this.state.feedback = {
                ok: result.ok,
                message: result.message,
                tote: result.delivery ? result.delivery.tote : null,
                product: result.line ? result.line.product : "",
                lineId: result.line && result.line.id,
                pickingId: result.delivery && result.delivery.id,
            };
            if (result.ok) {
                this.sounds.ok();
            } else {
                this.sounds.error();
            }
        } finally {
            this.state.busy = false;
        }
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
    // Validation
    // ------------------------------------------------------------------

    async validate(backorder = null) {
        if (this.validating) {
            return;
        }
        this.validating = true;
        try {
            await this.enqueue(() => this.sendValidation(backorder));
        } finally {
            this.validating = false;
        }
    }

    async sendValidation(backorder) {
        const result = await this.orm.call(
            "stock.picking.batch",
            "fulfilment_scanner_validate",
            [[this.state.batch.id]],
            { backorder }
        );
        if (result.status === "short") {
            this.state.askBackorder = result.short;
            return;
        }
        this.state.askBackorder = null;
        this.sounds.ok();
        this.props.onShipped({ batch: this.state.batch.name, ...result });
    }

    // ------------------------------------------------------------------
    // Documents and display
    // ------------------------------------------------------------------

    get pickListUrl() {
        return `/fulfilment/batch/${this.state.batch.id}/pick_list`;
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

    toteClass(delivery) {
        const feedback = this.state.feedback;
        if (feedback && feedback.ok && feedback.pickingId === delivery.picking_id) {
            return "text-bg-success";
        }
        return delivery.picked >= delivery.demand ? "text-bg-secondary" : "text-bg-light border";
    }

    imageUrl(line) {
        return url(`/web/image/product.product/${line.product_id}/image_128`);
    }
}
