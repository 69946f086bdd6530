/** @odoo-module **/

import { registry } from "@web/core/registry";

// A customer fills a delivery address in Romania: county, then the locality
// from the county's list (which fills the postal code), street and number.
registry.category("web_tour.tours").add("order_fulfilment_checkout_locality", {
    url: "/shop/address?address_type=delivery",
    steps: () => [
        { trigger: "input[name=name]", run: "edit Ion Sat" },
        { trigger: "input[name=phone]", run: "edit +40 721 100 300" },
        // The country is the customer's, Romania.
        {
            trigger: "select[name=state_id]:has(option:contains(Brașov))",
            run: "selectByLabel Brașov",
        },
        // The county's localities arrive; villages show their municipality.
        {
            trigger: "select[name=city_id]:has(option:contains(Predeluț))",
            run(helpers) {
                const village = [...this.anchor.options].find(
                    (option) => option.textContent.trim() === "Predeluț (Bran)"
                );
                return helpers.select(village.value);
            },
        },
        {
            trigger: "input[name=zip]:value(507026)",
            run() {
                // The list replaces the typed city.
                if (document.querySelector("input[name=city]").offsetParent !== null) {
                    throw new Error("The typed city is still shown beside the list.");
                }
            },
        },
        { trigger: "input[name=street_name]", run: "edit Str. Principală" },
        { trigger: "input[name=street_number]", run: "edit 7" },
        { trigger: "#save_address", run: "click", expectUnloadPage: true },
        // Saved: the checkout goes on (the form would stay, with its errors).
        { trigger: "body:not(:has(#save_address))" },
    ],
});
