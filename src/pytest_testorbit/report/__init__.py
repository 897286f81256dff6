"""Reports from the results store: ``orbit report``, ``orbit runs`` and ``orbit flaky``.

``data`` reads the store into plain rows, ``flaky`` finds flips, ``text`` renders tables,
JSON and CSV, ``html`` the self-contained HTML page; ``cli`` wires them to the command.
"""
