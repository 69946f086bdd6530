/** @odoo-module **/

import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";

/**
 * "Ready for pickup" of a delivery collected in store: once it is packed, the
 * customer gets the pickup code by e-mail and SMS.
 */
export class PickingScannerPickupButton extends Component {
    static template = "order_fulfilment.PickingScannerPickupButton";
    static props = {
        picking: Object,
        disabled: { type: Boolean, optional: true },
        // Called with the delivery's new header once the customer was told.
        onReady: Function,
    };

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.state = useState({ busy: false });
    }

    async markReady() {
        this.state.busy = true;
        try {
            const header = await this.orm.call(
                "stock.picking",
                "fulfilment_scanner_ready_for_pickup",
                [[this.props.picking.id]]
            );
            this.props.onReady(header);
            this.notification.add(_t("The customer was sent the pickup code."), {
                type: "success",
            });
        } finally {
            this.state.busy = false;
        }
    }
}
