/** @odoo-module **/

import PaymentForm from '@payment/js/payment_form';
import { rpc } from '@web/core/network/rpc';

/**
 * Shop checkout: the fee of the chosen payment method (cash on delivery...) is a
 * line of the cart. Picking a method charges its fee (or drops the previous
 * method's) and refreshes the totals and the amount the form pays.
 */
PaymentForm.include({

    /**
     * @override
     */
    async start() {
        await this._super(...arguments);
        const checkedRadio = this.el.querySelector('input[name="o_payment_radio"]:checked');
        if (checkedRadio) {
            await this._fulfilmentUpdatePaymentFee(checkedRadio);
        }
    },

    /**
     * @override
     */
    async _selectPaymentOption(ev) {
        await this._super(...arguments);
        await this._fulfilmentUpdatePaymentFee(ev.target);
    },

    /**
     * Charge the fee of the selected option's method on the cart.
     *
     * @private
     * @param {HTMLInputElement} radio - The radio of the selected payment option.
     * @return {void}
     */
    async _fulfilmentUpdatePaymentFee(radio) {
        const route = this.paymentContext.transactionRoute || '';
        if (!route.startsWith('/shop/payment/transaction')) {
            return;  // Only the shop's cart carries a payment fee.
        }
        this._disableButton();
        try {
            const result = await rpc('/shop/payment/fulfilment_fee', {
                payment_option_type: this._getPaymentOptionType(radio),
                payment_option_id: this._getPaymentOptionId(radio),
            });
            if (result && result.success) {
                this.paymentContext.amount = result.amount_total_raw;
                this._fulfilmentUpdateSummary(result);
            }
        } finally {
            this._enableButton(false);
        }
    },

    /**
     * Show the new fee and totals in the cart summary.
     *
     * @private
     * @param {Object} result - The totals returned by the server.
     * @return {void}
     */
    _fulfilmentUpdateSummary(result) {
        document.querySelectorAll('#order_payment_fee').forEach(row => {
            row.classList.toggle('d-none', !result.has_fee);
            const amount = row.querySelector('.monetary_field');
            if (amount) {
                amount.innerHTML = result.amount_payment_fee;
            }
        });
        const fields = {
            '#order_total_untaxed .monetary_field': result.amount_untaxed,
            '#order_total_taxes .monetary_field': result.amount_tax,
            '#order_total .monetary_field, #amount_total_summary.monetary_field':
                result.amount_total,
        };
        for (const [selector, html] of Object.entries(fields)) {
            document.querySelectorAll(selector).forEach(el => el.innerHTML = html);
        }
    },

});
