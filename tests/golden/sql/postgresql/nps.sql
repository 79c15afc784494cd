-- nps by channel, month, 2026-01-01..2026-03-31 (postgresql)
WITH agg0 AS 
(SELECT agg0_rows.k0 AS k0, agg0_rows.period_start AS period_start, sum(agg0_rows.nps_responses) AS nps_responses, sum(agg0_rows.nps_promoters) AS nps_promoters, sum(agg0_rows.nps_detractors) AS nps_detractors 
FROM (SELECT coalesce(survey_responses.channel_id, agg0_j1_customers.channel_id, agg0_j2_leads.channel_id, '') AS k0, CAST(date_trunc('month', CAST(survey_responses.date AS TIMESTAMP WITHOUT TIME ZONE)) AS DATE) AS period_start, 1 AS nps_responses, CASE WHEN (survey_responses.score IS NOT NULL AND survey_responses.score >= %(param_2)s) THEN 1 ELSE 0 END AS nps_promoters, CASE WHEN (survey_responses.score IS NOT NULL AND survey_responses.score <= %(param_3)s) THEN 1 ELSE 0 END AS nps_detractors 
FROM survey_responses LEFT OUTER JOIN customers AS agg0_j1_customers ON agg0_j1_customers.customer_id = survey_responses.customer_id LEFT OUTER JOIN customers AS agg0_j2_customers ON agg0_j2_customers.customer_id = survey_responses.customer_id LEFT OUTER JOIN leads AS agg0_j2_leads ON agg0_j2_leads.lead_id = agg0_j2_customers.lead_id 
WHERE survey_responses.date IS NOT NULL AND survey_responses.date >= %(param_4)s::DATE AND survey_responses.date <= %(param_5)s::DATE) AS agg0_rows GROUP BY agg0_rows.k0, agg0_rows.period_start), 
key_rows AS 
(SELECT found_keys.k0 AS k0, found_keys.period_start AS period_start 
FROM (SELECT DISTINCT agg0.k0 AS k0, agg0.period_start AS period_start 
FROM agg0) AS found_keys)
 SELECT key_rows.k0 AS channel_id, key_rows.period_start AS period_start, (CAST(coalesce(agg0.nps_promoters, 0) - coalesce(agg0.nps_detractors, 0) AS DOUBLE PRECISION) / CAST(nullif(CAST(coalesce(agg0.nps_responses, 0) AS DOUBLE PRECISION), 0) AS NUMERIC)) * %(param_1)s AS nps 
FROM key_rows LEFT OUTER JOIN agg0 ON agg0.k0 = key_rows.k0 AND agg0.period_start = key_rows.period_start
-- :param_1 = 100.0
-- :param_2 = 9.0
-- :param_3 = 6.0
-- :param_4 = datetime.date(2026, 1, 1)
-- :param_5 = datetime.date(2026, 3, 31)
