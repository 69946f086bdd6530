/** @odoo-module **/

import { Component, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { PickingScannerDelivery } from "./picking_scanner_delivery";
import { PickingScannerList } from "./picking_scanner_list";
import { PickingScannerShipped } from "./picking_scanner_shipped";

/**
 * Phone picking screen: the deliveries ready to pick, then one delivery whose
 * lines are filled by scanning, then the shipped delivery with its documents.
 * Each view is its own component; this client action only switches between
 * them and keeps the list's filters while a delivery is open.
 */
export class PickingScanner extends Component {
    static template = "order_fulfilment.PickingScanner";
    static components = { PickingScannerDelivery, PickingScannerList, PickingScannerShipped };
    static props = { ...standardActionServiceProps };

    setup() {
        this.state = useState({
            view: "list",
            filters: { search: "", carrierId: "", priority: false, scheduledDate: "" },
            pickingId: null,
            shipped: null,
        });
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
        this.state.shipped = null;
    }
}

registry.category("actions").add("order_fulfilment.picking_scanner", PickingScanner);
