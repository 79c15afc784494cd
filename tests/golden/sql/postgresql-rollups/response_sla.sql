-- response_sla by channel, month, 2026-01-01..2026-03-31 (postgresql, daily rollups)
WITH agg0 AS 
(SELECT agg0_rows.k0 AS k0, agg0_rows.period_start AS period_start, sum(agg0_rows.leads) AS leads, sum(agg0_rows.leads_within_sla) AS leads_within_sla 
FROM (SELECT coalesce(rollup_leads_created_at.channel_id, '') AS k0, CAST(date_trunc('month', CAST(rollup_leads_created_at.day AS TIMESTAMP WITHOUT TIME ZONE)) AS DATE) AS period_start, rollup_leads_created_at.leads AS leads, rollup_leads_created_at.leads_within_sla AS leads_within_sla 
FROM rollup_leads_created_at 
WHERE rollup_leads_created_at.day IS NOT NULL AND rollup_leads_created_at.day >= %(param_1)s::DATE AND rollup_leads_created_at.day <= %(param_2)s::DATE) AS agg0_rows GROUP BY agg0_rows.k0, agg0_rows.period_start), 
key_rows AS 
(SELECT found_keys.k0 AS k0, found_keys.period_start AS period_start 
FROM (SELECT DISTINCT agg0.k0 AS k0, agg0.period_start AS period_start 
FROM agg0) AS found_keys)
 SELECT key_rows.k0 AS channel_id, key_rows.period_start AS period_start, CAST(coalesce(agg0.leads_within_sla, 0) AS DOUBLE PRECISION) / CAST(nullif(CAST(coalesce(agg0.leads, 0) AS DOUBLE PRECISION), 0) AS NUMERIC) AS response_sla 
FROM key_rows LEFT OUTER JOIN agg0 ON agg0.k0 = key_rows.k0 AND agg0.period_start = key_rows.period_start
-- :param_1 = datetime.date(2026, 1, 1)
-- :param_2 = datetime.date(2026, 3, 31)
