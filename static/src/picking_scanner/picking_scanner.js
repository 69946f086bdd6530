/** @odoo-module **/

import { Component, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { PickingScannerBatch } from "./picking_scanner_batch";
import { PickingScannerBatchShipped } from "./picking_scanner_batch_shipped";
import { PickingScannerDelivery } from "./picking_scanner_delivery";
import { PickingScannerList } from "./picking_scanner_list";
import { PickingScannerShipped } from "./picking_scanner_shipped";

/**
 * Phone picking screen: the deliveries ready to pick, then one delivery whose
 * lines are filled by scanning, then the shipped delivery with its documents.
 * Several deliveries can be picked in one walk as a batch: its lines sum the
 * products of the deliveries and each scan says which delivery's tote the
 * item goes into. Each view is its own component; this client action only
 * switches between them and keeps the list's filters while a delivery or a
 * batch is open.
 */
export class PickingScanner extends Component {
    static template = "order_fulfilment.PickingScanner";
    static components = {
        PickingScannerBatch,
        PickingScannerBatchShipped,
        PickingScannerDelivery,
        PickingScannerList,
        PickingScannerShipped,
    };
    static props = { ...standardActionServiceProps };

    setup() {
        this.state = useState({
            view: "list",
            filters: { search: "", carrierId: "", priority: false, scheduledDate: "" },
            pickingId: null,
            batchId: null,
            shipped: null,
        });
    }

    openBatch(batchId) {
        this.state.batchId = batchId;
        this.state.view = "batch";
    }

    /**
     * The batch's deliveries left one by one: stay on them for their documents.
     *
     * @param {Object} result what the batch validation answered (shipped
     *      deliveries, backorders, deliveries left out of the batch)
     */
    onBatchShipped(result) {
        this.state.shipped = result;
        this.state.view = "batchShipped";
    }

    openPicking(pickingId) {
        this.state.pickingId = pickingId;
        this.state.view = "delivery";
    }

    /**
     * The parcel still needs its documents: stay on the shipped delivery.
     *
     * @param {Object} picking header of the validated delivery
     * @param {string} message what was shipped (and what waits in a backorder)
     */
    onShipped(picking, message) {
        this.state.shipped = { picking, message };
        this.state.view = "shipped";
    }

    backToList() {
        this.state.view = "list";
        this.state.pickingId = null;
        this.state.batchId = null;
        this.state.shipped = null;
    }
}

registry.category("actions").add("order_fulfilment.picking_scanner", PickingScanner);
