/** @odoo-module **/

import publicWidget from '@web/legacy/js/public/public_widget';

/**
 * Address form: "person or company". A company gives its name, CUI and trade
 * register number instead of a person's name.
 */
publicWidget.registry.FulfilmentCompanyCheckout = publicWidget.Widget.extend({
    selector: '.o_wsale_address_fill',
    events: {
        'change input[name="fulfilment_customer_type"]': '_onChangeCustomerType',
    },

    /**
     * @override
     */
    start() {
        this._toggleCompanyFields();
        return this._super(...arguments);
    },

    _onChangeCustomerType() {
        this._toggleCompanyFields();
    },

    /**
     * Show the company fields for a company, the person's name for a person.
     *
     * @private
     */
    _toggleCompanyFields() {
        const choice = this.el.querySelector('input[name="fulfilment_customer_type"]:checked');
        if (!choice) {
            return;  // Not a billing address: no choice offered.
        }
        const isCompany = choice.value === 'company';
        for (const id of ['company_name_div', 'div_vat', 'div_company_registry']) {
            this.el.querySelector(`#${id}`)?.classList.toggle('d-none', !isCompany);
        }
        this.el.querySelector('#div_name')?.classList.toggle('d-none', isCompany);
    },
});
