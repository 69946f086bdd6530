/** @odoo-module **/

import { _t } from "@web/core/l10n/translation";
import { PickingScannerAwbButton } from "./picking_scanner_awb_button";
import { PickingScannerPickupButton } from "./picking_scanner_pickup_button";
import { PickingScannerScanScreen } from "./picking_scanner_scan_screen";

/**
 * One delivery being picked: its lines are filled by scanning. Every scan is
 * one RPC; the server keeps the quantities and answers with the new state of
 * the line. Scans and validation are queued in the picker's order (see
 * ``PickingScannerScanScreen``).
 */
export class PickingScannerDelivery extends PickingScannerScanScreen {
    static template = "order_fulfilment.PickingScannerDelivery";
    static components = { PickingScannerAwbButton, PickingScannerPickupButton };
    static props = {
        pickingId: Number,
        onBack: Function,
        // Called with the shipped delivery's header and a message saying what left.
        onShipped: Function,
    };

    initialState() {
        return { picking: null, lines: [], askBackorder: false };
    }

    async load() {
        const data = await this.orm.call("stock.picking", "fulfilment_scanner_data", [
            [this.props.pickingId],
        ]);
        const { lines, ...picking } = data;
        this.state.picking = picking;
        this.state.lines = lines;
    }

    async scan(barcode) {
        const result = await this.orm.call("stock.picking", "fulfilment_scan", [
            [this.state.picking.id],
            barcode,
        ]);
        Object.assign(this.state.picking, result.picking);
        this.replaceRow(this.state.lines, result.line);
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
        this.signal(result.ok);
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
    // Documents
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
}
