"""Localities of the nomenclature: the address checks and the distance
formula keep what they read of them (see ``fulfilment.address.check`` and
``res.partner._fulfilment_locality_point``) until they change."""

from odoo import api, models


class ResCity(models.Model):
    _inherit = "res.city"

    @api.model_create_multi
    def create(self, vals_list):
        cities = super().create(vals_list)
        self.env.registry.clear_cache()
        return cities

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result
