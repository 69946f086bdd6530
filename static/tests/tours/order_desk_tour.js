/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("order_fulfilment_send_to_courier", {
    steps: () => [
        { trigger: ".o_fulfilment_statusbar .o_arrow_button_current:contains(Awaiting payment)" },
        { trigger: ".o_form_view .o_statusbar_buttons button[name=action_fulfilment_send_to_courier]", run: "click" },
        // What happened, said once...
        { trigger: ".o_notification:contains(created, label attached)" },
        // ...and shown by the form without reloading the page.
        { trigger: ".o_fulfilment_statusbar .o_arrow_button_current:contains(Ready to ship)" },
        { trigger: ".o_field_widget[name=fulfilment_tracking_ref]:contains(2000)" },
    ],
});
