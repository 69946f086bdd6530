/** @odoo-module **/

import { Component, onWillStart, useRef, useState } from "@odoo/owl";
import { scanBarcode } from "@web/core/barcode/barcode_dialog";
import { isBarcodeScannerSupported } from "@web/core/barcode/barcode_video_scanner";
import { useBus, useService } from "@web/core/utils/hooks";
import { url } from "@web/core/utils/urls";
import { ScanSounds } from "./scan_sounds";

/**
 * What the screens a picker scans on share (one delivery, a batch): the
 * scanner, the typed code and the camera feed one queue, so that scans and
 * validation go to the server one after the other, in the order the picker
 * made them — a scan still on its way when Validate is tapped is counted
 * before the validation.
 *
 * A screen gives its ``initialState()``, ``load()``, ``scan(barcode)`` and
 * ``sendValidation(backorder)``.
 */
export class PickingScannerScanScreen extends Component {
    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.manualInput = useRef("manualInput");
        this.cameraSupported = isBarcodeScannerSupported();
        this.sounds = new ScanSounds();
        this.state = useState({ feedback: null, busy: false, ...this.initialState() });
        // The scans and validations sent, in order; each starts when the previous one ended.
        this.queue = Promise.resolve();
        this.validating = false;
        const barcode = useService("barcode");
        useBus(barcode.bus, "barcode_scanned", (ev) => this.onBarcodeScanned(ev.detail.barcode));
        onWillStart(() => this.load());
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
        return this.enqueue(async () => {
            this.state.busy = true;
            try {
                await this.scan(barcode);
            } finally {
                this.state.busy = false;
            }
        });
    }

    /** The sound of a scan's answer. */
    signal(ok) {
        if (ok) {
            this.sounds.ok();
        } else {
            this.sounds.error();
        }
    }

    /** Put the server's new version of a row in place in ``rows``. */
    replaceRow(rows, row) {
        const index = row ? rows.findIndex((current) => current.id === row.id) : -1;
        if (index >= 0) {
            rows[index] = row;
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
     * @param {boolean|null} backorder null to be asked when the goods are
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

    // ------------------------------------------------------------------
    // Display
    // ------------------------------------------------------------------

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
