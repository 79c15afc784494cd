-- marketing_sourced_share by channel, month, 2026-01-01..2026-03-31 (duckdb)
WITH agg0 AS 
(SELECT agg0_rows.k0 AS k0, agg0_rows.period_start AS period_start, CAST(sum(agg0_rows.order_revenue) AS DOUBLE PRECISION) AS order_revenue, CAST(sum(agg0_rows.sourced_order_revenue) AS DOUBLE PRECISION) AS sourced_order_revenue 
FROM (SELECT coalesce(agg0_j0_customers.channel_id, agg0_j1_leads.channel_id, '') AS k0, CAST(date_trunc('month', CAST(orders.order_date AS TIMESTAMP WITHOUT TIME ZONE)) AS DATE) AS period_start, orders.amount AS order_revenue, CASE WHEN (agg0_j2_customers.lead_id IS NOT NULL AND agg0_j2_customers.lead_id != %(param_1)s) THEN orders.amount ELSE NULL END AS sourced_order_revenue 
FROM orders LEFT OUTER JOIN customers AS agg0_j0_customers ON agg0_j0_customers.customer_id = orders.customer_id LEFT OUTER JOIN customers AS agg0_j1_customers ON agg0_j1_customers.customer_id = orders.customer_id LEFT OUTER JOIN leads AS agg0_j1_leads ON agg0_j1_leads.lead_id = agg0_j1_customers.lead_id LEFT OUTER JOIN customers AS agg0_j2_customers ON agg0_j2_customers.customer_id = orders.customer_id 
WHERE orders.order_date IS NOT NULL AND orders.order_date >= %(param_2)s AND orders.order_date <= %(param_3)s) AS agg0_rows GROUP BY agg0_rows.k0, agg0_rows.period_start), 
key_rows AS 
(SELECT found_keys.k0 AS k0, found_keys.period_start AS period_start 
FROM (SELECT DISTINCT agg0.k0 AS k0, agg0.period_start AS period_start 
FROM agg0) AS found_keys)
 SELECT key_rows.k0 AS channel_id, key_rows.period_start AS period_start, CAST(coalesce(agg0.sourced_order_revenue, 0) AS DOUBLE PRECISION) / nullif(CAST(coalesce(agg0.order_revenue, 0) AS DOUBLE PRECISION), 0) AS marketing_sourced_share 
FROM key_rows LEFT OUTER JOIN agg0 ON agg0.k0 = key_rows.k0 AND agg0.period_start = key_rows.period_start
-- :param_1 = ''
-- :param_2 = datetime.date(2026, 1, 1)
-- :param_3 = datetime.date(2026, 3, 31)
