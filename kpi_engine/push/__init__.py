"""The 9:00 push (issue 13): digests and alerts sent to Feishu, WeCom and DingTalk group bots and by email.

- :mod:`.compose` turns the engine's standup and reviews into a :class:`~.message.Message` per language
  (numbers by name, the off-track KPIs, a PNG chart from a Vega-Lite spec, a deep link to the page);
- :mod:`.channels` speaks each platform's webhook (signing, payload) and SMTP;
- :mod:`.delivery` sends to the destinations stored in the database (:mod:`.destinations`) with bounded
  exponential backoff, logs every attempt and claims an idempotency key per kind × period × destination
  before sending, so a restart never sends twice; :func:`.delivery.send_message` sends a short text;
- :mod:`.rules`, :mod:`.baseline` and :mod:`.alerts`: alert rules a manager sets, the robust weekday
  baseline (docs/alerts.md), alerts deduplicated by rule + scope + day, acknowledged or muted;
- :mod:`.jobs` runs one push (``python -m kpi_engine push --now``), :mod:`.schedule` the long-lived
  APScheduler process (``python -m kpi_engine schedule``).

Never imports streamlit or ui.
"""
