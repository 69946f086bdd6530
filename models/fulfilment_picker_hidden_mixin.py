"""Fields refused to pickers (group order_fulfilment.group_picker).

Record rules and access rights work per record; prices and customers are
fields of records a picker must read (products, deliveries, moves), so they
are refused field by field. A model inherits this mixin and lists its own
names in ``_fulfilment_picker_hidden_fields``; every money field is hidden
without being listed (found by its type, its digits or its name), so a field
added later by Odoo or by another addon is hidden too.
"""

import re

from odoo import _, api, models, tools
from odoo.exceptions import AccessError

# Decimal precisions of amounts of money (Odoo's own, stock_account's).
MONEY_DIGITS = ("Product Price", "Account", "Product Unit Price")
# Float fields whose name says they are money or valuation (carrier_price,
# avg_cost, value_svl, fulfilment_cod_amount...).
MONEY_NAME = re.compile(r"(^|_)(price|cost|costs|amount|value|margin|tariff)(_|$)")


class FulfilmentPickerHiddenMixin(models.AbstractModel):
    _name = "fulfilment.picker.hidden.mixin"
    _description = "Fields Hidden from Pickers"

    # Names of the fields pickers may neither read nor write, beside the money
    # fields found by ``_fulfilment_is_money_field``.
    _fulfilment_picker_hidden_fields = ()

    @api.model
    def _fulfilment_is_money_field(self, field):
        """Whether ``field`` holds an amount of money or a valuation."""
        if field.type == "monetary":
            return True
        if field.type != "float":
            return False
        digits = field._digits
        return (isinstance(digits, str) and digits in MONEY_DIGITS) or bool(
            MONEY_NAME.search(field.name)
        )

    @api.model
    @tools.ormcache()
    def _fulfilment_picker_hidden_field_names(self):
        """The fields of this model refused to pickers (cached per model): the
        listed ones, the money ones, and the fields computed on the fly from
        them (they would show what they are computed from)."""
        hidden = set(self._fulfilment_picker_hidden_fields) | {
            name
            for name, field in self._fields.items()
            if self._fulfilment_is_money_field(field)
        }
        while True:
            derived = {
                name
                for name, field in self._fields.items()
                if name not in hidden
                and not field.store
                and field.compute
                and hidden.intersection(
                    path.split(".", 1)[0] for path in self.pool.field_depends[field]
                )
            }
            if not derived:
                return frozenset(hidden)
            hidden |= derived

    def _fulfilment_hides_from_user(self):
        """Whether the current user is a picker and nothing more (no superuser)."""
        return not self.env.su and self.env.user._fulfilment_is_picker_only()

    def _fulfilment_check_picker_write(self):
        """Pickers change nothing of this model themselves: the picking screen
        does it for them once their access to the delivery is checked."""
        if self._fulfilment_hides_from_user():
            raise AccessError(
                _(
                    "Pickers may not change %(model)s records: scan the items on "
                    "the picking screen.",
                    model=self._description,
                )
            )

    def check_field_access_rights(self, operation, field_names):
        """Pickers get the readable fields without the hidden ones; asking for
        a hidden field by name is refused."""
        allowed = super().check_field_access_rights(operation, field_names)
        if not self._fulfilment_hides_from_user():
            return allowed
        hidden = self._fulfilment_picker_hidden_field_names()
        if not field_names:
            return [name for name in allowed if name not in hidden]
        refused = sorted(hidden.intersection(field_names))
        if refused:
            raise AccessError(
                _(
                    "Pickers may not see %(fields)s of %(model)s.",
                    fields=", ".join(refused),
                    model=self._description,
                )
            )
        return allowed

    def _determine_fields_to_fetch(self, field_names, ignore_when_in_cache=False):
        """Odoo also fetches the stored fields the requested computed fields
        depend on; for pickers, never the hidden ones (those asked for by
        name are refused before)."""
        fields_to_fetch = super()._determine_fields_to_fetch(
            field_names, ignore_when_in_cache=ignore_when_in_cache
        )
        if not self._fulfilment_hides_from_user():
            return fields_to_fetch
        hidden = self._fulfilment_picker_hidden_field_names()
        return [field for field in fields_to_fetch if field.name not in hidden]

    def _fetch_field(self, field):
        """Fetch ``field`` and prefetch its siblings, never the hidden fields.

        Odoo prefetches every field of the same prefetch group that the user
        may access through field groups; the hidden fields have no groups, so
        for pickers the list is built here without them (same rules as Odoo's
        own).
        """
        if not self._fulfilment_hides_from_user():
            return super()._fetch_field(field)
        self.check_field_access_rights("read", [field.name])
        hidden = self._fulfilment_picker_hidden_field_names()
        if self.env.context.get("prefetch_fields", True) and field.prefetch:
            names = [
                name
                for name, sibling in self._fields.items()
                if sibling.prefetch == field.prefetch
                and name not in hidden
                and sibling.is_accessible(self.env)
            ]
            if field.name not in names:
                names.append(field.name)
        else:
            names = [field.name]
        self.fetch(names)
        return None
