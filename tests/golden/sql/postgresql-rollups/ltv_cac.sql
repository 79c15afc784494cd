-- ltv_cac by channel, month, 2026-01-01..2026-03-31 (postgresql, daily rollups)
WITH agg0 AS 
(SELECT agg0_rows.k0 AS k0, agg0_rows.period_start AS period_start, sum(agg0_rows.wins) AS wins 
FROM (SELECT coalesce(rollup_leads_won_at.channel_id, '') AS k0, CAST(date_trunc('month', CAST(rollup_leads_won_at.day AS TIMESTAMP WITHOUT TIME ZONE)) AS DATE) AS period_start, rollup_leads_won_at.wins AS wins 
FROM rollup_leads_won_at 
WHERE rollup_leads_won_at.day IS NOT NULL AND rollup_leads_won_at.day >= %(param_7)s::DATE AND rollup_leads_won_at.day <= %(param_8)s::DATE) AS agg0_rows GROUP BY agg0_rows.k0, agg0_rows.period_start), 
agg1 AS 
(SELECT agg1_rows.k0 AS k0, agg1_rows.period_start AS period_start, CAST(sum(agg1_rows.spend) AS DOUBLE PRECISION) AS spend 
FROM (SELECT coalesce(rollup_spend_date.channel_id, '') AS k0, CAST(date_trunc('month', CAST(rollup_spend_date.day AS TIMESTAMP WITHOUT TIME ZONE)) AS DATE) AS period_start, rollup_spend_date.spend AS spend 
FROM rollup_spend_date 
WHERE rollup_spend_date.day IS NOT NULL AND rollup_spend_date.day >= %(param_9)s::DATE AND rollup_spend_date.day <= %(param_10)s::DATE) AS agg1_rows GROUP BY agg1_rows.k0, agg1_rows.period_start), 
agg2 AS 
(SELECT agg2_rows.k0 AS k0, agg2_rows.period_start AS period_start, sum(agg2_rows.customers_acquired) AS customers_acquired 
FROM (SELECT coalesce(customers.channel_id, agg2_j1_leads.channel_id, '') AS k0, CAST(date_trunc('month', customers.acquired_at) AS DATE) AS period_start, 1 AS customers_acquired 
FROM customers LEFT OUTER JOIN leads AS agg2_j1_leads ON agg2_j1_leads.lead_id = customers.lead_id 
WHERE customers.acquired_at IS NOT NULL AND customers.acquired_at >= %(param_11)s::TIMESTAMP WITHOUT TIME ZONE AND customers.acquired_at < %(param_12)s::TIMESTAMP WITHOUT TIME ZONE) AS agg2_rows GROUP BY agg2_rows.k0, agg2_rows.period_start), 
agg3 AS 
(SELECT agg3_rows.k0 AS k0, agg3_rows.period_start AS period_start, sum(agg3_rows.customers_churned) AS customers_churned 
FROM (SELECT coalesce(customers.channel_id, agg3_j1_leads.channel_id, '') AS k0, CAST(date_trunc('month', customers.churned_at) AS DATE) AS period_start, 1 AS customers_churned 
FROM customers LEFT OUTER JOIN leads AS agg3_j1_leads ON agg3_j1_leads.lead_id = customers.lead_id 
WHERE customers.churned_at IS NOT NULL AND customers.churned_at >= %(param_13)s::TIMESTAMP WITHOUT TIME ZONE AND customers.churned_at < %(param_14)s::TIMESTAMP WITHOUT TIME ZONE) AS agg3_rows GROUP BY agg3_rows.k0, agg3_rows.period_start), 
agg4 AS 
(SELECT agg4_rows.k0 AS k0, agg4_rows.period_start AS period_start, CAST(sum(agg4_rows.order_revenue) AS DOUBLE PRECISION) AS order_revenue 
FROM (SELECT coalesce(agg4_j0_customers.channel_id, agg4_j1_leads.channel_id, '') AS k0, CAST(date_trunc('month', CAST(orders.order_date AS TIMESTAMP WITHOUT TIME ZONE)) AS DATE) AS period_start, orders.amount AS order_revenue 
FROM orders LEFT OUTER JOIN customers AS agg4_j0_customers ON agg4_j0_customers.customer_id = orders.customer_id LEFT OUTER JOIN customers AS agg4_j1_customers ON agg4_j1_customers.customer_id = orders.customer_id LEFT OUTER JOIN leads AS agg4_j1_leads ON agg4_j1_leads.lead_id = agg4_j1_customers.lead_id 
WHERE orders.order_date IS NOT NULL AND orders.order_date >= %(param_15)s::DATE AND orders.order_date <= %(param_16)s::DATE) AS agg4_rows GROUP BY agg4_rows.k0, agg4_rows.period_start), 
key_rows AS 
(SELECT found_keys.k0 AS k0, found_keys.period_start AS period_start 
FROM (SELECT agg0.k0 AS k0, agg0.period_start AS period_start 
FROM agg0 UNION SELECT agg1.k0 AS k0, agg1.period_start AS period_start 
FROM agg1 UNION SELECT agg2.k0 AS k0, agg2.period_start AS period_start 
FROM agg2 UNION SELECT agg3.k0 AS k0, agg3.period_start AS period_start 
FROM agg3 UNION SELECT agg4.k0 AS k0, agg4.period_start AS period_start 
FROM agg4) AS found_keys), 
anchors AS 
(SELECT key_rows.k0 AS k0, key_rows.period_start AS period_start, greatest(CAST(key_rows.period_start AS TIMESTAMP WITHOUT TIME ZONE), %(param_17)s::TIMESTAMP WITHOUT TIME ZONE) AS a_start, least(CAST(key_rows.period_start AS TIMESTAMP WITHOUT TIME ZONE) + INTERVAL '1 month', %(param_18)s::TIMESTAMP WITHOUT TIME ZONE) AS a_end 
FROM key_rows), 
day0 AS 
(SELECT day0_rows.k0 AS k0, day0_rows.day AS day, sum(day0_rows.customers_acquired) AS customers_acquired 
FROM (SELECT coalesce(customers.channel_id, day0_j1_leads.channel_id, '') AS k0, CAST(customers.acquired_at AS DATE) AS day, 1 AS customers_acquired 
FROM customers LEFT OUTER JOIN leads AS day0_j1_leads ON day0_j1_leads.lead_id = customers.lead_id 
WHERE customers.acquired_at IS NOT NULL AND customers.acquired_at < %(param_19)s::TIMESTAMP WITHOUT TIME ZONE) AS day0_rows GROUP BY day0_rows.k0, day0_rows.day), 
win0 AS 
(SELECT anchors.k0 AS k0, anchors.period_start AS period_start, sum(CASE WHEN (day0.day < anchors.a_end) THEN day0.customers_acquired ELSE NULL END) AS w0, sum(CASE WHEN (day0.day < anchors.a_end - INTERVAL '12 months') THEN day0.customers_acquired ELSE NULL END) AS w1 
FROM anchors JOIN day0 ON day0.k0 = anchors.k0 AND day0.day < anchors.a_end GROUP BY anchors.k0, anchors.period_start), 
day1 AS 
(SELECT day1_rows.k0 AS k0, day1_rows.day AS day, sum(day1_rows.customers_churned) AS customers_churned 
FROM (SELECT coalesce(customers.channel_id, day1_j1_leads.channel_id, '') AS k0, CAST(customers.churned_at AS DATE) AS day, 1 AS customers_churned 
FROM customers LEFT OUTER JOIN leads AS day1_j1_leads ON day1_j1_leads.lead_id = customers.lead_id 
WHERE customers.churned_at IS NOT NULL AND customers.churned_at < %(param_20)s::TIMESTAMP WITHOUT TIME ZONE) AS day1_rows GROUP BY day1_rows.k0, day1_rows.day), 
win1 AS 
(SELECT anchors.k0 AS k0, anchors.period_start AS period_start, sum(CASE WHEN (day1.day < anchors.a_end) THEN day1.customers_churned ELSE NULL END) AS w0, sum(CASE WHEN (day1.day >= anchors.a_end - INTERVAL '12 months' AND day1.day < anchors.a_end) THEN day1.customers_churned ELSE NULL END) AS w1, sum(CASE WHEN (day1.day < anchors.a_end - INTERVAL '12 months') THEN day1.customers_churned ELSE NULL END) AS w2 
FROM anchors JOIN day1 ON day1.k0 = anchors.k0 AND day1.day < anchors.a_end GROUP BY anchors.k0, anchors.period_start), 
day2 AS 
(SELECT day2_rows.k0 AS k0, day2_rows.day AS day, CAST(sum(day2_rows.order_revenue) AS DOUBLE PRECISION) AS order_revenue 
FROM (SELECT coalesce(day2_j0_customers.channel_id, day2_j1_leads.channel_id, '') AS k0, CAST(orders.order_date AS DATE) AS day, orders.amount AS order_revenue 
FROM orders LEFT OUTER JOIN customers AS day2_j0_customers ON day2_j0_customers.customer_id = orders.customer_id LEFT OUTER JOIN customers AS day2_j1_customers ON day2_j1_customers.customer_id = orders.customer_id LEFT OUTER JOIN leads AS day2_j1_leads ON day2_j1_leads.lead_id = day2_j1_customers.lead_id 
WHERE orders.order_date IS NOT NULL AND orders.order_date <= %(param_21)s::DATE) AS day2_rows GROUP BY day2_rows.k0, day2_rows.day), 
win2 AS 
(SELECT anchors.k0 AS k0, anchors.period_start AS period_start, sum(CASE WHEN (day2.day >= anchors.a_end - INTERVAL '12 months' AND day2.day < anchors.a_end) THEN day2.order_revenue ELSE NULL END) AS w0 
FROM anchors JOIN day2 ON day2.k0 = anchors.k0 AND day2.day < anchors.a_end AND day2.day >= anchors.a_end - INTERVAL '12 months' GROUP BY anchors.k0, anchors.period_start)
 SELECT key_rows.k0 AS channel_id, key_rows.period_start AS period_start, CAST(%(param_1)s * (CAST(coalesce(win2.w0, 0) AS DOUBLE PRECISION) / CAST(nullif(CAST(%(param_2)s * ((coalesce(win0.w1, 0) - coalesce(win1.w2, 0)) + (coalesce(win0.w0, 0) - coalesce(win1.w0, 0))) * %(param_3)s AS DOUBLE PRECISION), 0) AS NUMERIC)) * CASE WHEN (coalesce(CAST(%(param_4)s * ((coalesce(win0.w1, 0) - coalesce(win1.w2, 0)) + (coalesce(win0.w0, 0) - coalesce(win1.w0, 0))) * %(param_3)s AS DOUBLE PRECISION) / CAST(nullif(CAST(coalesce(win1.w1, 0) AS DOUBLE PRECISION), 0) AS NUMERIC), %(param_5)s) IS NULL OR %(param_6)s IS NULL) THEN NULL WHEN (coalesce(CAST(%(param_4)s * ((coalesce(win0.w1, 0) - coalesce(win1.w2, 0)) + (coalesce(win0.w0, 0) - coalesce(win1.w0, 0))) * %(param_3)s AS DOUBLE PRECISION) / CAST(nullif(CAST(coalesce(win1.w1, 0) AS DOUBLE PRECISION), 0) AS NUMERIC), %(param_5)s) <= %(param_6)s) THEN coalesce(CAST(%(param_4)s * ((coalesce(win0.w1, 0) - coalesce(win1.w2, 0)) + (coalesce(win0.w0, 0) - coalesce(win1.w0, 0))) * %(param_3)s AS DOUBLE PRECISION) / CAST(nullif(CAST(coalesce(win1.w1, 0) AS DOUBLE PRECISION), 0) AS NUMERIC), %(param_5)s) ELSE %(param_6)s END AS DOUBLE PRECISION) / CAST(nullif(CAST(CAST(nullif(CAST(coalesce(agg1.spend, 0) AS DOUBLE PRECISION), 0) AS DOUBLE PRECISION) / CAST(nullif(CAST(coalesce(agg0.wins, 0) AS DOUBLE PRECISION), 0) AS NUMERIC) AS DOUBLE PRECISION), 0) AS NUMERIC) AS ltv_cac 
FROM key_rows LEFT OUTER JOIN agg0 ON agg0.k0 = key_rows.k0 AND agg0.period_start = key_rows.period_start LEFT OUTER JOIN agg1 ON agg1.k0 = key_rows.k0 AND agg1.period_start = key_rows.period_start LEFT OUTER JOIN agg2 ON agg2.k0 = key_rows.k0 AND agg2.period_start = key_rows.period_start LEFT OUTER JOIN agg3 ON agg3.k0 = key_rows.k0 AND agg3.period_start = key_rows.period_start LEFT OUTER JOIN agg4 ON agg4.k0 = key_rows.k0 AND agg4.period_start = key_rows.period_start LEFT OUTER JOIN win0 ON win0.k0 = key_rows.k0 AND win0.period_start = key_rows.period_start LEFT OUTER JOIN win1 ON win1.k0 = key_rows.k0 AND win1.period_start = key_rows.period_start LEFT OUTER JOIN win2 ON win2.k0 = key_rows.k0 AND win2.period_start = key_rows.period_start
-- :param_1 = 0.6
-- :param_10 = datetime.date(2026, 3, 31)
-- :param_11 = datetime.datetime(2026, 1, 1, 0, 0)
-- :param_12 = datetime.datetime(2026, 4, 1, 0, 0)
-- :param_13 = datetime.datetime(2026, 1, 1, 0, 0)
-- :param_14 = datetime.datetime(2026, 4, 1, 0, 0)
-- :param_15 = datetime.date(2026, 1, 1)
-- :param_16 = datetime.date(2026, 3, 31)
-- :param_17 = datetime.datetime(2026, 1, 1, 0, 0)
-- :param_18 = datetime.datetime(2026, 4, 1, 0, 0)
-- :param_19 = datetime.datetime(2026, 4, 1, 0, 0)
-- :param_2 = 12.0
-- :param_20 = datetime.datetime(2026, 4, 1, 0, 0)
-- :param_21 = datetime.date(2026, 3, 31)
-- :param_3 = 0.5
-- :param_4 = 12.0
-- :param_5 = 60.0
-- :param_6 = 60.0
-- :param_7 = datetime.date(2026, 1, 1)
-- :param_8 = datetime.date(2026, 3, 31)
-- :param_9 = datetime.date(2026, 1, 1)
