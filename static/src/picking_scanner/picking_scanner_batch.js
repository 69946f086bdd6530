/** @odoo-module **/

import { PickingScannerScanScreen } from "./picking_scanner_scan_screen";

/**
 * A batch being picked: several deliveries in one walk. The lines are the
 * products of all the deliveries in walking order, with what each delivery
 * needs; a scan is counted on the first delivery that still needs the
 * product and the screen says which tote the item goes into.
 *
 * As for one delivery, scans and validation are queued in the picker's order
 * (see ``PickingScannerScanScreen``).
 */
export class PickingScannerBatch extends PickingScannerScanScreen {
    static template = "order_fulfilment.PickingScannerBatch";
    static props = {
        batchId: Number,
        onBack: Function,
        // Called with the validation's result (shipped deliveries, backorders).
        onShipped: Function,
    };

    initialState() {
        return { batch: null, deliveries: [], lines: [], askBackorder: null };
    }

    async load() {
        const data = await this.orm.call("stock.picking.batch", "fulfilment_scanner_data", [
            [this.props.batchId],
        ]);
        const { lines, deliveries, ...batch } = data;
        this.state.batch = batch;
        this.state.deliveries = deliveries;
        this.state.lines = lines;
    }

    async scan(barcode) {
        const result = await this.orm.call("stock.picking.batch", "fulfilment_scan", [
            [this.state.batch.id],
            barcode,
        ]);
        Object.assign(this.state.batch, result.batch);
        this.replaceRow(this.state.lines, result.line);
        this.replaceRow(this.state.deliveries, result.delivery);
        this.state.feedback = {
            ok: result.ok,
            message: result.message,
            tote: result.delivery ? result.delivery.tote : null,
            product: result.line ? result.line.product : "",
            lineId: result.line && result.line.id,
            pickingId: result.delivery && result.delivery.id,
        };
        this.signal(result.ok);
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

    toteClass(delivery) {
        const feedback = this.state.feedback;
        if (feedback && feedback.ok && feedback.pickingId === delivery.picking_id) {
            return "text-bg-success";
        }
        return delivery.picked >= delivery.demand ? "text-bg-secondary" : "text-bg-light border";
    }
}
