/** @odoo-module **/

import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";

/**
 * The delivery's courier AWB: "Create AWB" asks the courier for it; once the
 * delivery has its label, "AWB" is a plain link to the label PDF.
 *
 * The label is never opened from script after the courier answered: phone
 * browsers block pop-ups that do not come straight from a tap. The picker taps
 * the link instead, which every browser opens.
 */
export class PickingScannerAwbButton extends Component {
    static template = "order_fulfilment.PickingScannerAwbButton";
    static props = {
        picking: Object,
        // E.g. while a scan is on its way.
        disabled: { type: Boolean, optional: true },
        // Called with the delivery's new header once the AWB exists.
        onCreated: Function,
    };

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.state = useState({ busy: false });
    }

    get labelUrl() {
        return `/fulfilment/picking/${this.props.picking.id}/label`;
    }

    async createAwb() {
        this.state.busy = true;
        try {
            const header = await this.orm.call("stock.picking", "fulfilment_scanner_create_awb", [
                [this.props.picking.id],
            ]);
            this.props.onCreated(header);
            this.notification.add(
                header.has_label
                    ? _t("AWB %(awb)s created: tap AWB to print its label.", { awb: header.awb })
                    : _t("AWB %(awb)s created.", { awb: header.awb }),
                { type: "success" }
            );
        } finally {
            this.state.busy = false;
        }
    }
}
