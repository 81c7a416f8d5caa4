"""gunicorn settings read by contest@.service (``--config``) and by bench/results_day.py.

After a worker has loaded the app, everything it allocated while importing (pypinyin's dictionaries alone are
some 240,000 lists; Flask's, SQLAlchemy's and Babel's structures) is moved out of the garbage collector's
sight with ``gc.freeze()``: those objects live as long as the worker, and without this every full collection
during a request walks all ~400,000 of them (0.1–0.6 s on this project's 2-core machine, paid by whichever
request happens to trigger it).
"""

import gc


def post_worker_init(worker):
    gc.freeze()
