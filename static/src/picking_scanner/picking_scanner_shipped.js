/** @odoo-module **/

import { Component, useState } from "@odoo/owl";
import { useBus, useService } from "@web/core/utils/hooks";
import { PickingScannerAwbButton } from "./picking_scanner_awb_button";
import { ScanSounds } from "./scan_sounds";

/**
 * The delivery just validated, kept on screen until its documents (delivery
 * slip, AWB label) are printed; then the next delivery.
 */
export class PickingScannerShipped extends Component {
    static template = "order_fulfilment.PickingScannerShipped";
    static components = { PickingScannerAwbButton };
    static props = {
        picking: Object,
        message: String,
        onNext: Function,
    };

    setup() {
        // The AWB may still be created here: the header is updated then.
        this.state = useState({ picking: { ...this.props.picking } });
        this.sounds = new ScanSounds();
        const barcode = useService("barcode");
        // The delivery is shipped: nothing more may be scanned into it.
        useBus(barcode.bus, "barcode_scanned", () => this.sounds.error());
    }

    get deliverySlipUrl() {
        return `/fulfilment/picking/${this.state.picking.id}/delivery_slip`;
    }

    onAwbCreated(header) {
        Object.assign(this.state.picking, header);
    }
}
