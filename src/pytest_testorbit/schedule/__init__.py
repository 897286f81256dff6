"""Scheduled runs: the ``orbit schedule`` commands and the ``orbit scheduler`` process.

``timing`` reads times, zones and cron expressions; ``suite`` finds the case groups a
schedule names; ``service`` keeps schedules in the store (every state change a conditional
UPDATE); ``scheduler`` claims due schedules and runs pytest for them; ``results`` reads a
run back for the notifications; ``commands`` checks arguments and prints; ``cli`` is the
argparse glue. Nothing here is imported by the pytest plugin.
"""
