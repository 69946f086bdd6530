/** @odoo-module **/

import { Component, onWillStart, useState } from "@odoo/owl";
import { useBus, useService } from "@web/core/utils/hooks";

/**
 * The deliveries ready to pick, filtered by search, carrier, date and
 * priority, and the batches to pick. Scanning a delivery's or a batch's
 * reference opens it; any other code searches. Ticking several deliveries
 * puts them in a new batch, picked in one walk.
 */
export class PickingScannerList extends Component {
    static template = "order_fulfilment.PickingScannerList";
    static props = {
        // Kept by the client action, so that they survive an opened delivery.
        filters: Object,
        onOpenPicking: Function,
        onOpenBatch: Function,
    };

    setup() {
        this.orm = useService("orm");
        this.state = useState({ pickings: [], batches: [], carriers: [], selected: [] });
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
        this.state.batches = result.batches;
        this.state.carriers = result.carriers;
        const listed = new Set(result.pickings.map((p) => p.id));
        this.state.selected = this.state.selected.filter((id) => listed.has(id));
    }

    onBarcodeScanned(barcode) {
        // A delivery slip's or a pick list's reference opens that delivery or batch.
        const picking = this.state.pickings.find((p) => p.name === barcode);
        if (picking) {
            return this.props.onOpenPicking(picking.id);
        }
        const batch = this.state.batches.find((b) => b.name === barcode);
        if (batch) {
            return this.props.onOpenBatch(batch.id);
        }
        this.props.filters.search = barcode;
        return this.loadPickings();
    }

    isSelected(picking) {
        return this.state.selected.includes(picking.id);
    }

    toggleSelected(picking) {
        if (this.isSelected(picking)) {
            this.state.selected = this.state.selected.filter((id) => id !== picking.id);
        } else {
            this.state.selected.push(picking.id);
        }
    }

    async pickTogether() {
        const batch = await this.orm.call("stock.picking.batch", "fulfilment_scanner_create", [
            this.state.selected,
        ]);
        this.state.selected = [];
        this.props.onOpenBatch(batch.id);
    }

    onFilterChange() {
        this.loadPickings();
    }

    onSearchSubmit(ev) {
        ev.preventDefault();
        this.loadPickings();
    }
}
