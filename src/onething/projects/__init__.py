"""The projects app (项目): investment and construction projects handled as a whole —
打包办 (several projects of one type filed, accepted and expert-reviewed once), 定制办 (a
one-off plan for one or more projects: items, dependencies, joint reviews, its critical
path in working days) and 联动办 (joint approval meetings, joint completion inspections and
全代办 by authorised staff). Its pure core, without Django, is ``planning.py`` (with
``critical_path.py``) and ``bundling.py``.
"""
