/** @odoo-module **/

import { Component, useState } from "@odoo/owl";
import { useBus, useService } from "@web/core/utils/hooks";
import { PickingScannerAwbButton } from "./picking_scanner_awb_button";
import { ScanSounds } from "./scan_sounds";

/**
 * The deliveries of a batch just validated, each shipped on its own: its
 * delivery slip and its AWB, kept on screen until they are printed.
 */
export class PickingScannerBatchShipped extends Component {
    static template = "order_fulfilment.PickingScannerBatchShipped";
    static components = { PickingScannerAwbButton };
    static props = {
        // What the batch validation answered, with the batch's name.
        result: Object,
        onNext: Function,
    };

    setup() {
        this.state = useState({ deliveries: this.props.result.shipped.map((d) => ({ ...d })) });
        this.sounds = new ScanSounds();
        const barcode = useService("barcode");
        useBus(barcode.bus, "barcode_scanned", () => this.sounds.error());
    }

    deliverySlipUrl(delivery) {
        return `/fulfilment/picking/${delivery.id}/delivery_slip`;
    }

    onAwbCreated(delivery, header) {
        Object.assign(delivery, header);
    }
}
