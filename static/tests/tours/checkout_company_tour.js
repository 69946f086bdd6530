/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("order_fulfilment_company_checkout", {
    steps: () => [
        { content: "A person by default: no company fields", trigger: "#o_fulfilment_customer_person:checked" },
        { trigger: "#div_company_registry:not(:visible)" },
        { content: "Buying as a company", trigger: "#o_fulfilment_customer_company", run: "click" },
        { content: "The company fields show", trigger: "#div_company_registry:visible" },
        { trigger: "#div_name:not(:visible)" },
        { trigger: "input[name=company_name]", run: "edit Acme Distributie SRL" },
        { trigger: "input[name=vat]", run: "edit RO18547291" },
        { trigger: "input[name=company_registry]", run: "edit J12/345/2015" },
        { trigger: "#save_address", run: "click" },
        { content: "A wrong CUI is refused", trigger: "#errors:contains(not a valid CUI)" },
        { trigger: "input[name=vat].is-invalid" },
        { trigger: "input[name=vat]", run: "edit RO18547290" },
        { trigger: "#save_address", run: "click", expectUnloadPage: true },
        { content: "Back to the checkout", trigger: "a[name=website_sale_main_button]" },
    ],
});
