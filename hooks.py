def post_init_hook(env):
    """Give the orders that exist before installation a status and its history.

    Done in SQL, in one statement per table, so that installing on a shop with
    hundreds of thousands of orders takes seconds.
    """
    Status = env["fulfilment.status"]
    mapping = {
        "draft": Status._get_status_for_event("created", env.company),
        "sent": Status._get_status_for_event("created", env.company),
        "sale": Status._get_status_for_event("confirmed", env.company),
        "cancel": Status._get_status_for_event("cancelled", env.company),
    }
    for state, status in mapping.items():
        if not status:
            continue
        env.cr.execute(
            """
            UPDATE sale_order
               SET fulfilment_status_id = %s
             WHERE state = %s AND fulfilment_status_id IS NULL
            """,
            [status.id, state],
        )
    env.cr.execute(
        """
        INSERT INTO fulfilment_status_history
               (order_id, company_id, partner_id, status_to_id, user_id, date,
                is_automatic, event, reason, create_uid, create_date, write_uid,
                write_date)
        SELECT o.id, o.company_id, o.partner_id, o.fulfilment_status_id, %(uid)s,
               COALESCE(o.date_order, o.create_date), TRUE, 'installed',
               'Status given at installation', %(uid)s, now() AT TIME ZONE 'UTC',
               %(uid)s, now() AT TIME ZONE 'UTC'
          FROM sale_order o
         WHERE o.fulfilment_status_id IS NOT NULL
           AND NOT EXISTS (
               SELECT 1 FROM fulfilment_status_history h WHERE h.order_id = o.id
           )
        """,
        {"uid": env.uid},
    )
    env["sale.order"].invalidate_model(["fulfilment_status_id"])
