/** @odoo-module **/

import { Component, onWillStart, useRef, useState } from "@odoo/owl";
import { scanBarcode } from "@web/core/barcode/barcode_dialog";
import { isBarcodeScannerSupported } from "@web/core/barcode/barcode_video_scanner";
import { _t } from "@web/core/l10n/translation";
import { useBus, useService } from "@web/core/utils/hooks";
import { url } from "@web/core/utils/urls";
import { PickingScannerAwbButton } from "./picking_scanner_awb_button";
import { PickingScannerPickupButton } from "./picking_scanner_pickup_button";
import { ScanSounds } from "./scan_sounds";

/**
 * One delivery being picked: its lines are filled by scanning. Every scan is
 * one RPC; the server keeps the quantities and answers with the new state of
 * the line.
 *
 * Scans and validation go to the server one after the other, in the order the
 * picker made them: a scan still on its way when Validate is tapped is counted
 * before the delivery is validated.
 */
export class PickingScannerDelivery extends Component {
    static template = "order_fulfilment.PickingScannerDelivery";
    static components = { PickingScannerAwbButton, PickingScannerPickupButton };
    static props = {
        pickingId: Number,
        onBack: Function,
        // Called with the shipped delivery's header and a message saying what left.
        onShipped: Function,
    };

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.manualInput = useRef("manualInput");
        this.cameraSupported = isBarcodeScannerSupported();
        this.sounds = new ScanSounds();
        this.state = useState({
            picking: null,
            lines: [],
            feedback: null,
            askBackorder: false,
            busy: false,
        });
        // The scans and validations sent, in order; each starts when the previous one ended.
        this.queue = Promise.resolve();
        this.validating = false;
        const barcode = useService("barcode");
        useBus(barcode.bus, "barcode_scanned", (ev) => this.onBarcodeScanned(ev.detail.barcode));
        onWillStart(() => this.loadPicking());
    }

    async loadPicking() {
        const data = await this.orm.call("stock.picking", "fulfilment_scanner_data", [
            [this.props.pickingId],
        ]);
        const { lines, ...picking } = data;
        this.state.picking = picking;
        this.state.lines = lines;
    }

    /**
     * Run ``job`` once everything sent before it has been answered, failed or not.
     *
     * @param {Function} job returns a promise
     * @returns {Promise} the job's result
     */
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

    /**
     * Validate what was scanned, after the scans still on their way.
     *
     * @param {boolean|null} backorder null to be asked when the delivery is
     *      short; true to keep the rest in a backorder; false to cancel it
     */
    async validate(backorder = null) {
        if (this.validating) {
            // A second tap while the first one waits: one validation is enough.
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
            "stock.picking",
            "fulfilment_scanner_validate",
            [[this.state.picking.id]],
            { backorder }
        );
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
        this.sounds.ok();
        this.props.onShipped(result.picking, message);
    }

    // ------------------------------------------------------------------
    // Documents and display
    // ------------------------------------------------------------------

    get deliverySlipUrl() {
        return `/fulfilment/picking/${this.state.picking.id}/delivery_slip`;
    }

    onAwbCreated(header) {
        Object.assign(this.state.picking, header);
    }

    onPickupReady(header) {
        Object.assign(this.state.picking, header);
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
