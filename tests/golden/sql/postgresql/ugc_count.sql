-- ugc_count by channel, month, 2026-01-01..2026-03-31 (postgresql)
WITH manual_cand AS 
(SELECT coalesce(metric_values.scope_id, '') AS k0, CAST(date_trunc('month', CAST(metric_values.period_start AS TIMESTAMP WITHOUT TIME ZONE)) AS DATE) AS period_start, metric_values.metric_id AS mid, metric_values.scope_id AS sid, CAST(metric_values.period_start AS TIMESTAMP WITHOUT TIME ZONE) AS p, CASE WHEN (metric_values.grain = %(param_2)s::VARCHAR) THEN CAST(metric_values.period_start AS TIMESTAMP WITHOUT TIME ZONE) + INTERVAL '1 day' WHEN (metric_values.grain = %(param_3)s::VARCHAR) THEN CAST(metric_values.period_start AS TIMESTAMP WITHOUT TIME ZONE) + INTERVAL '7 days' WHEN (metric_values.grain = %(param_4)s::VARCHAR) THEN CAST(metric_values.period_start AS TIMESTAMP WITHOUT TIME ZONE) + INTERVAL '1 month' WHEN (metric_values.grain = %(param_5)s::VARCHAR) THEN CAST(metric_values.period_start AS TIMESTAMP WITHOUT TIME ZONE) + INTERVAL '3 months' WHEN (metric_values.grain = %(param_6)s::VARCHAR) THEN CAST(metric_values.period_start AS TIMESTAMP WITHOUT TIME ZONE) + INTERVAL '1 year' ELSE NULL END AS pe, CASE WHEN (metric_values.grain = %(param_7)s::VARCHAR) THEN 0 WHEN (metric_values.grain = %(param_8)s::VARCHAR) THEN 1 WHEN (metric_values.grain = %(param_9)s::VARCHAR) THEN 2 WHEN (metric_values.grain = %(param_10)s::VARCHAR) THEN 3 WHEN (metric_values.grain = %(param_11)s::VARCHAR) THEN 4 ELSE -1 END AS rk, CAST(metric_values.value AS DOUBLE PRECISION) AS v 
FROM metric_values 
WHERE metric_values.metric_id IN (__[POSTCOMPILE_metric_id_1]) AND metric_values.scope_type = %(param_12)s::VARCHAR AND metric_values.period_start IS NOT NULL AND metric_values.period_start >= %(param_13)s::DATE AND metric_values.period_start <= %(param_14)s::DATE AND CASE WHEN (metric_values.grain = %(param_2)s::VARCHAR) THEN CAST(metric_values.period_start AS TIMESTAMP WITHOUT TIME ZONE) + INTERVAL '1 day' WHEN (metric_values.grain = %(param_3)s::VARCHAR) THEN CAST(metric_values.period_start AS TIMESTAMP WITHOUT TIME ZONE) + INTERVAL '7 days' WHEN (metric_values.grain = %(param_4)s::VARCHAR) THEN CAST(metric_values.period_start AS TIMESTAMP WITHOUT TIME ZONE) + INTERVAL '1 month' WHEN (metric_values.grain = %(param_5)s::VARCHAR) THEN CAST(metric_values.period_start AS TIMESTAMP WITHOUT TIME ZONE) + INTERVAL '3 months' WHEN (metric_values.grain = %(param_6)s::VARCHAR) THEN CAST(metric_values.period_start AS TIMESTAMP WITHOUT TIME ZONE) + INTERVAL '1 year' ELSE NULL END IS NOT NULL AND date_trunc('month', CAST(metric_values.period_start AS TIMESTAMP WITHOUT TIME ZONE)) = date_trunc('month', CASE WHEN (metric_values.grain = %(param_2)s::VARCHAR) THEN CAST(metric_values.period_start AS TIMESTAMP WITHOUT TIME ZONE) + INTERVAL '1 day' WHEN (metric_values.grain = %(param_3)s::VARCHAR) THEN CAST(metric_values.period_start AS TIMESTAMP WITHOUT TIME ZONE) + INTERVAL '7 days' WHEN (metric_values.grain = %(param_4)s::VARCHAR) THEN CAST(metric_values.period_start AS TIMESTAMP WITHOUT TIME ZONE) + INTERVAL '1 month' WHEN (metric_values.grain = %(param_5)s::VARCHAR) THEN CAST(metric_values.period_start AS TIMESTAMP WITHOUT TIME ZONE) + INTERVAL '3 months' WHEN (metric_values.grain = %(param_6)s::VARCHAR) THEN CAST(metric_values.period_start AS TIMESTAMP WITHOUT TIME ZONE) + INTERVAL '1 year' ELSE NULL END - INTERVAL '1 day')), 
manual AS 
(SELECT manual_sid.k0 AS k0, manual_sid.period_start AS period_start, sum(CASE WHEN (manual_sid.mid = %(param_1)s::VARCHAR) THEN manual_sid.t_sum ELSE NULL END) AS ugc_count 
FROM (SELECT manual_kept.k0 AS k0, manual_kept.period_start AS period_start, manual_kept.mid AS mid, manual_kept.sid AS sid, sum(manual_kept.v) AS t_sum, avg(manual_kept.v) AS t_average, max(CASE WHEN (manual_kept.rn = %(rn_1)s::INTEGER) THEN manual_kept.v ELSE NULL END) AS t_last 
FROM (SELECT manual_mine.k0 AS k0, manual_mine.period_start AS period_start, manual_mine.mid AS mid, manual_mine.sid AS sid, manual_mine.v AS v, row_number() OVER (PARTITION BY manual_mine.k0, manual_mine.period_start, manual_mine.mid, manual_mine.sid ORDER BY manual_mine.p DESC, manual_mine.rk DESC) AS rn 
FROM manual_cand AS manual_mine LEFT OUTER JOIN manual_cand AS manual_longer ON manual_longer.mid = manual_mine.mid AND manual_longer.sid = manual_mine.sid AND manual_longer.rk > manual_mine.rk AND manual_longer.p < manual_mine.pe AND manual_longer.pe > manual_mine.p AND manual_longer.period_start = manual_mine.period_start 
WHERE manual_longer.sid IS NULL) AS manual_kept GROUP BY manual_kept.k0, manual_kept.period_start, manual_kept.mid, manual_kept.sid) AS manual_sid GROUP BY manual_sid.k0, manual_sid.period_start), 
key_rows AS 
(SELECT found_keys.k0 AS k0, found_keys.period_start AS period_start 
FROM (SELECT DISTINCT manual.k0 AS k0, manual.period_start AS period_start 
FROM manual) AS found_keys)
 SELECT key_rows.k0 AS channel_id, key_rows.period_start AS period_start, manual.ugc_count AS ugc_count 
FROM key_rows LEFT OUTER JOIN manual ON manual.k0 = key_rows.k0 AND manual.period_start = key_rows.period_start
-- :metric_id_1 = ['ugc_count']
-- :param_1 = 'ugc_count'
-- :param_10 = 'quarter'
-- :param_11 = 'year'
-- :param_12 = 'channel'
-- :param_13 = datetime.date(2026, 1, 1)
-- :param_14 = datetime.date(2026, 3, 31)
-- :param_2 = 'day'
-- :param_3 = 'week'
-- :param_4 = 'month'
-- :param_5 = 'quarter'
-- :param_6 = 'year'
-- :param_7 = 'day'
-- :param_8 = 'week'
-- :param_9 = 'month'
-- :rn_1 = 1
