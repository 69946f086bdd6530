/** @odoo-module **/

import { registry } from "@web/core/registry";
import * as tourUtils from "@website_sale/js/tours/tour_utils";

registry.category("web_tour.tours").add("order_fulfilment_company_checkout", {
    url: "/shop",
    steps: () => [
        ...tourUtils.searchProduct("Espresso Machine", { select: true }),
        { trigger: "#product_detail #add_to_cart", run: "click" },
        tourUtils.goToCart(),
        tourUtils.goToCheckout(),
        { content: "A person by default: no company fields", trigger: "#o_fulfilment_customer_person:checked" },
        { trigger: "#div_company_registry:not(:visible)" },
        { trigger: "input[name=email]", run: "edit office@acme.example.ro" },
        { trigger: "input[name=phone]", run: "edit +40 721 000 222" },
        { content: "Buying as a company", trigger: "#o_fulfilment_customer_company", run: "click" },
        { content: "The company fields show", trigger: "#div_company_registry:visible" },
        { content: "No person's name to give", trigger: "#div_name:not(:visible)" },
        { trigger: "input[name=company_name]", run: "edit Acme Distributie SRL" },
        { trigger: "input[name=vat]", run: "edit RO18547291" },
        { trigger: "input[name=company_registry]", run: "edit J12/345/2015" },
        { trigger: "select[name=country_id]", run: "selectByLabel Romania" },
        // Romania's localities: the county, then the locality from its list.
        {
            trigger: "select[name=state_id]:has(option:contains(Cluj))",
            run: "selectByLabel Cluj",
        },
        {
            trigger: "select[name=city_id]:has(option:contains(Cluj-Napoca))",
            run(helpers) {
                const city = [...this.anchor.options].find(
                    (option) => option.textContent.trim() === "Cluj-Napoca"
                );
                return helpers.select(city.value);
            },
        },
        { trigger: "input[name=street_name]", run: "edit Strada Fabricii" },
        { trigger: "input[name=street_number]", run: "edit 10" },
        { trigger: "input[name=zip]", run: "edit 400632" },
        { trigger: "#save_address", run: "click" },
        { content: "A wrong CUI is refused", trigger: "#errors:contains(not a valid CUI)" },
        { trigger: "input[name=vat].is-invalid" },
        { trigger: "input[name=vat]", run: "edit RO 18547290" },
        { trigger: "#save_address", run: "click", expectUnloadPage: true },
        { content: "On to the delivery", trigger: "input[name=o_delivery_radio]" },
    ],
});
