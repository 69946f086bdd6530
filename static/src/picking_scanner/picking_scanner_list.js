/** @odoo-module **/

import { Component, onWillStart, useState } from "@odoo/owl";
import { useBus, useService } from "@web/core/utils/hooks";

/**
 * The deliveries ready to pick, filtered by search, carrier, date and
 * priority. Scanning a delivery's reference opens it; any other code searches.
 */
export class PickingScannerList extends Component {
    static template = "order_fulfilment.PickingScannerList";
    static props = {
        // Kept by the client action, so that they survive an opened delivery.
        filters: Object,
        onOpenPicking: Function,
    };

    setup() {
        this.orm = useService("orm");
        this.state = useState({ pickings: [], carriers: [] });
        const barcode = useService("barcode");
        useBus(barcode.bus, "barcode_scanned", (ev) => this.onBarcodeScanned(ev.detail.barcode));
        onWillStart(() => this.loadPickings());
    }

    async loadPickings() {
        const filters = this.props.filters;
        const result = await this.orm.call("stock.picking", "fulfilment_scanner_pickings", [], {
            search: filters.search || null,
            carrier_id: filters.carrierId ? parseInt(filters.carrierId) : null,
            priority: filters.priority,
            scheduled_date: filters.scheduledDate || null,
        });
        this.state.pickings = result.pickings;
        this.state.carriers = result.carriers;
    }

    onBarcodeScanned(barcode) {
        // A delivery slip's reference opens that delivery.
        const picking = this.state.pickings.find((p) => p.name === barcode);
        if (picking) {
            return this.props.onOpenPicking(picking.id);
        }
        this.props.filters.search = barcode;
        return this.loadPickings();
    }

    onFilterChange() {
        this.loadPickings();
    }

    onSearchSubmit(ev) {
        ev.preventDefault();
        this.loadPickings();
    }
}
