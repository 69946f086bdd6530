"""Fields refused to pickers (group order_fulfilment.group_picker).

Record rules and access rights work per record; prices are fields of records a
picker must read (products, moves), so they are refused field by field. A
model lists them in ``_fulfilment_picker_hidden_fields`` and inherits this
mixin.
"""

from odoo import _, models
from odoo.exceptions import AccessError


class FulfilmentPickerHiddenMixin(models.AbstractModel):
    _name = "fulfilment.picker.hidden.mixin"
    _description = "Fields Hidden from Pickers"

    # Names of the fields pickers may neither read nor write.
    _fulfilment_picker_hidden_fields = ()

    def _fulfilment_hides_from_user(self):
        """Whether the current user is a picker and nothing more (no superuser)."""
        return not self.env.su and self.env.user._fulfilment_is_picker_only()

    def check_field_access_rights(self, operation, field_names):
        """Pickers get the readable fields without the hidden ones; asking for
        a hidden field by name is refused."""
        allowed = super().check_field_access_rights(operation, field_names)
        if not self._fulfilment_hides_from_user():
            return allowed
        hidden = set(self._fulfilment_picker_hidden_fields)
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
        hidden = set(self._fulfilment_picker_hidden_fields)
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
