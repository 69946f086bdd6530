/** @odoo-module **/

import websiteSaleAddress from "@website_sale/js/address";
import { rpc } from "@web/core/network/rpc";

/**
 * County → locality: for the countries whose localities Odoo knows (Enforce
 * Cities), the locality is chosen in the county's list, which fills the city
 * and the postal code, and the street name and the house number are two
 * fields; elsewhere the form is Odoo's (city typed, one street field).
 */
websiteSaleAddress.include({
    events: Object.assign({}, websiteSaleAddress.prototype.events, {
        "change select[name='city_id']": "_onChangeFulfilmentCity",
    }),

    _fulfilmentEnforcesCities() {
        const country = this.addressForm.country_id;
        return Boolean(country.value && country.selectedOptions[0].dataset.enforceCities);
    },

    _fulfilmentShowCityList(show) {
        this.addressForm.city.classList.toggle("d-none", show);
        this.addressForm.city_id.classList.toggle("d-none", !show);
        if (!show) {
            this.addressForm.city_id.value = "";
        }
    },

    _fulfilmentShowStreetParts(show) {
        const form = this.addressForm;
        if (show && !form.street_name.value && form.street.value) {
            form.street_name.value = form.street.value;
        }
        // The fields not shown are disabled: they are not sent.
        form.street.disabled = show;
        form.street.parentElement.classList.toggle("d-none", show);
        for (const input of [form.street_name, form.street_number]) {
            input.disabled = !show;
            input.parentElement.classList.toggle("d-none", !show);
        }
    },

    async _changeCountry(init = false) {
        await this._super(...arguments);
        const enforced = this._fulfilmentEnforcesCities();
        this._fulfilmentShowStreetParts(enforced);
        this._fulfilmentShowCityList(enforced);
        if (enforced && !init) {
            await this._fulfilmentLoadCities();
        }
    },

    async _onChangeState() {
        await this._super(...arguments);
        if (this._fulfilmentEnforcesCities()) {
            await this._fulfilmentLoadCities();
        }
    },

    async _fulfilmentLoadCities() {
        const select = this.addressForm.city_id;
        const stateId = parseInt(this.addressForm.state_id.value);
        select.options.length = 1; // keep the placeholder
        if (!stateId) {
            return;
        }
        const cities = await rpc(`/shop/fulfilment/cities/${stateId}`, {});
        for (const [id, label, zip] of cities) {
            const option = new Option(label, id);
            option.dataset.zip = zip;
            select.appendChild(option);
        }
    },

    _onChangeFulfilmentCity() {
        const option = this.addressForm.city_id.selectedOptions[0];
        if (!option || !option.value) {
            return;
        }
        this.addressForm.city.value = option.textContent.trim().replace(/ \(.*\)$/, "");
        // Large towns have a postal code per street: theirs is left to type.
        if (option.dataset.zip) {
            this.addressForm.zip.value = option.dataset.zip;
        }
    },
});
