"""Cases (办件): one package application from filing to the one handover — the pure rules.

Pure Python, no Django, no database:

- ``lifecycle``: the states of a case and of its tasks, the actions between them and
  which role may take each (一窗受理、并联办理、一次办成);
- ``tasks``: the parallel task graph of a case — what to release, what to cancel;
- ``deadlines``: working-day clocks that stop during 补正 and special procedures, the
  window's five-day decision limit and the case's projected schedule;
- ``routing``: which jurisdiction handles an item (市县联动).
"""
