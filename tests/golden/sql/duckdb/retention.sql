-- retention by channel, month, 2026-01-01..2026-03-31 (duckdb)
WITH agg0 AS 
(SELECT agg0_rows.k0 AS k0, agg0_rows.period_start AS period_start, sum(agg0_rows.customers_acquired) AS customers_acquired 
FROM (SELECT coalesce(customers.channel_id, agg0_j1_leads.channel_id, '') AS k0, CAST(date_trunc('month', customers.acquired_at) AS DATE) AS period_start, 1 AS customers_acquired 
FROM customers LEFT OUTER JOIN leads AS agg0_j1_leads ON agg0_j1_leads.lead_id = customers.lead_id 
WHERE customers.acquired_at IS NOT NULL AND customers.acquired_at >= %(param_1)s AND customers.acquired_at < %(param_2)s) AS agg0_rows GROUP BY agg0_rows.k0, agg0_rows.period_start), 
agg1 AS 
(SELECT agg1_rows.k0 AS k0, agg1_rows.period_start AS period_start, sum(agg1_rows.customers_churned) AS customers_churned 
FROM (SELECT coalesce(customers.channel_id, agg1_j1_leads.channel_id, '') AS k0, CAST(date_trunc('month', customers.churned_at) AS DATE) AS period_start, 1 AS customers_churned 
FROM customers LEFT OUTER JOIN leads AS agg1_j1_leads ON agg1_j1_leads.lead_id = customers.lead_id 
WHERE customers.churned_at IS NOT NULL AND customers.churned_at >= %(param_3)s AND customers.churned_at < %(param_4)s) AS agg1_rows GROUP BY agg1_rows.k0, agg1_rows.period_start), 
key_rows AS 
(SELECT found_keys.k0 AS k0, found_keys.period_start AS period_start 
FROM (SELECT agg0.k0 AS k0, agg0.period_start AS period_start 
FROM agg0 UNION SELECT agg1.k0 AS k0, agg1.period_start AS period_start 
FROM agg1) AS found_keys), 
anchors AS 
(SELECT key_rows.k0 AS k0, key_rows.period_start AS period_start, greatest(CAST(key_rows.period_start AS TIMESTAMP WITHOUT TIME ZONE), %(param_5)s) AS a_start, least(CAST(key_rows.period_start AS TIMESTAMP WITHOUT TIME ZONE) + INTERVAL '1 month', %(param_6)s) AS a_end 
FROM key_rows), 
day0 AS 
(SELECT day0_rows.k0 AS k0, day0_rows.day AS day, sum(day0_rows.customers_acquired) AS customers_acquired 
FROM (SELECT coalesce(customers.channel_id, day0_j1_leads.channel_id, '') AS k0, CAST(customers.acquired_at AS DATE) AS day, 1 AS customers_acquired 
FROM customers LEFT OUTER JOIN leads AS day0_j1_leads ON day0_j1_leads.lead_id = customers.lead_id 
WHERE customers.acquired_at IS NOT NULL AND customers.acquired_at < %(param_7)s) AS day0_rows GROUP BY day0_rows.k0, day0_rows.day), 
win0 AS 
(SELECT anchors.k0 AS k0, anchors.period_start AS period_start, sum(CASE WHEN (day0.day < anchors.a_start) THEN day0.customers_acquired ELSE NULL END) AS w0, sum(CASE WHEN (day0.day < anchors.a_end) THEN day0.customers_acquired ELSE NULL END) AS w1 
FROM anchors JOIN day0 ON day0.k0 = anchors.k0 AND day0.day < anchors.a_end GROUP BY anchors.k0, anchors.period_start), 
day1 AS 
(SELECT day1_rows.k0 AS k0, day1_rows.day AS day, sum(day1_rows.customers_churned) AS customers_churned 
FROM (SELECT coalesce(customers.channel_id, day1_j1_leads.channel_id, '') AS k0, CAST(customers.churned_at AS DATE) AS day, 1 AS customers_churned 
FROM customers LEFT OUTER JOIN leads AS day1_j1_leads ON day1_j1_leads.lead_id = customers.lead_id 
WHERE customers.churned_at IS NOT NULL AND customers.churned_at < %(param_8)s) AS day1_rows GROUP BY day1_rows.k0, day1_rows.day), 
win1 AS 
(SELECT anchors.k0 AS k0, anchors.period_start AS period_start, sum(CASE WHEN (day1.day < anchors.a_start) THEN day1.customers_churned ELSE NULL END) AS w0, sum(CASE WHEN (day1.day < anchors.a_end) THEN day1.customers_churned ELSE NULL END) AS w1 
FROM anchors JOIN day1 ON day1.k0 = anchors.k0 AND day1.day < anchors.a_end GROUP BY anchors.k0, anchors.period_start)
 SELECT key_rows.k0 AS channel_id, key_rows.period_start AS period_start, CAST((coalesce(win0.w1, 0) - coalesce(win1.w1, 0)) - coalesce(agg0.customers_acquired, 0) AS DOUBLE PRECISION) / nullif(CAST(coalesce(win0.w0, 0) - coalesce(win1.w0, 0) AS DOUBLE PRECISION), 0) AS retention 
FROM key_rows LEFT OUTER JOIN agg0 ON agg0.k0 = key_rows.k0 AND agg0.period_start = key_rows.period_start LEFT OUTER JOIN agg1 ON agg1.k0 = key_rows.k0 AND agg1.period_start = key_rows.period_start LEFT OUTER JOIN win0 ON win0.k0 = key_rows.k0 AND win0.period_start = key_rows.period_start LEFT OUTER JOIN win1 ON win1.k0 = key_rows.k0 AND win1.period_start = key_rows.period_start
-- :param_1 = datetime.datetime(2026, 1, 1, 0, 0)
-- :param_2 = datetime.datetime(2026, 4, 1, 0, 0)
-- :param_3 = datetime.datetime(2026, 1, 1, 0, 0)
-- :param_4 = datetime.datetime(2026, 4, 1, 0, 0)
-- :param_5 = datetime.datetime(2026, 1, 1, 0, 0)
-- :param_6 = datetime.datetime(2026, 4, 1, 0, 0)
-- :param_7 = datetime.datetime(2026, 4, 1, 0, 0)
-- :param_8 = datetime.datetime(2026, 4, 1, 0, 0)
