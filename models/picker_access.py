"""Field-level refusals for pickers (group order_fulfilment.group_picker).

Record rules and access rights work per record; prices are fields of records a
picker must read (products, moves), so they are refused field by field.
"""

from odoo import _
from odoo.exceptions import AccessError


def picker_field_check(records, operation, requested, allowed):
    """Filter or refuse the fields of ``records._fulfilment_picker_hidden_fields``.

    :param requested: the field names asked for (falsy: all readable fields)
    :param allowed: what Odoo's own check returned
    """
    env = records.env
    if env.su or not env.user._fulfilment_is_picker_only():
        return allowed
    hidden = set(records._fulfilment_picker_hidden_fields)
    if not requested:
        return [name for name in allowed if name not in hidden]
    refused = sorted(hidden.intersection(requested))
    if refused:
        raise AccessError(
            _(
                "Pickers may not see %(fields)s of %(model)s.",
                fields=", ".join(refused),
                model=records._description,
            )
        )
    return allowed


def picker_fetch_field(records, field, fetch):
    """Fetch ``field`` and prefetch its siblings, never the hidden fields.

    Odoo prefetches every field of the same prefetch group that the user may
    access through field groups; the hidden fields have no groups, so for
    pickers the list is built here without them (same rules as Odoo's own).
    """
    env = records.env
    if env.su or not env.user._fulfilment_is_picker_only():
        return fetch(records, field)
    records.check_field_access_rights("read", [field.name])
    hidden = set(records._fulfilment_picker_hidden_fields)
    if records.env.context.get("prefetch_fields", True) and field.prefetch:
        names = [
            name
            for name, sibling in records._fields.items()
            if sibling.prefetch == field.prefetch
            and name not in hidden
            and sibling.is_accessible(env)
        ]
        if field.name not in names:
            names.append(field.name)
    else:
        names = [field.name]
    records.fetch(names)
    return None
