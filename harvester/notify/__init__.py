"""Alerts: a webhook (JSON POST) and e-mail (SMTP) when a run fails, a source keeps failing, a
snapshot has new records, or a record in the set is newly retracted.

Configured per review (`[notify]` in the review file) or for the whole service
(`harvester serve --notify FILE`); both apply. Sending never stops the service: a failure is
logged, masked, and the next alert is tried as usual.
"""
