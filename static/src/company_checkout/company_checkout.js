/** @odoo-module **/

import publicWidget from '@web/legacy/js/public/public_widget';

/**
 * Address form: "person or company". A company gives its name, CUI and trade
 * register number instead of a person's name: the name the form requires is
 * then the company's (the server stores the address as the company).
 */
publicWidget.registry.FulfilmentCompanyCheckout = publicWidget.Widget.extend({
    selector: '.o_wsale_address_fill',
    events: {
        'change input[name="fulfilment_customer_type"]': '_onChangeCustomerType',
        'input input[name="company_name"]': '_onInputCompanyName',
    },

    /**
     * @override
     */
    start() {
        this.form = this.el.querySelector('form.checkout_autoformat');
        this._toggleCompanyFields();
        return this._super(...arguments);
    },

    _onChangeCustomerType() {
        this._toggleCompanyFields();
    },

    _onInputCompanyName() {
        if (this._isCompany()) {
            this._copyCompanyName();
        }
    },

    /**
     * @private
     * @return {Boolean|null} whether "a company" is chosen; null without choice
     */
    _isCompany() {
        const choice = this.el.querySelector('input[name="fulfilment_customer_type"]:checked');
        return choice ? choice.value === 'company' : null;
    },

    /**
     * @private
     */
    _copyCompanyName() {
        const name = this.form?.elements.name;
        const companyName = this.form?.elements.company_name;
        if (name && companyName) {
            name.value = companyName.value;
        }
    },

    /**
     * Show the company fields for a company, the person's name for a person.
     *
     * @private
     */
    _toggleCompanyFields() {
        const isCompany = this._isCompany();
        if (isCompany === null || !this.form) {
            return;  // Not a billing address: no choice offered.
        }
        for (const id of ['company_name_div', 'div_vat', 'div_company_registry']) {
            this.el.querySelector(`#${id}`)?.classList.toggle('d-none', !isCompany);
        }
        this.el.querySelector('#div_name')?.classList.toggle('d-none', isCompany);
        if (isCompany) {
            this._copyCompanyName();
        } else if (this.form.elements.name?.value === this.form.elements.company_name?.value) {
            this.form.elements.name.value = '';
        }
    },
});
