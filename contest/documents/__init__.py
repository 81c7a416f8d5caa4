"""The documents kit: everything the application prints or exports, plain data in, bytes out.

* ``fonts`` — the one CJK font (package data under ``documents/fonts/``), registered with ReportLab once;
* ``linebreak`` — the one CJK line breaker (禁则: no line starts with closing punctuation nor ends with
  opening punctuation);
* ``page`` — the page furniture shared by every PDF (canvas and metadata, title block, footer with page
  numbers and the generation time, table cells that shrink, wrap and cut);
* ``certificate`` — the honour certificate (荣誉证书), one page or a streamed multi-page PDF;
* ``sign_in`` and ``results_sheet`` — the event's sign-in sheet and results sheet;
* ``notice`` — a plain one-page notice (title and lines; the demo's attachments and evidence files);
* ``xlsx`` — the one .xlsx writer.

No Flask and no SQLAlchemy here: the services load the data (and store rendered certificates) and the views
send the bytes. Nothing in ``contest/*/views.py`` draws a PDF, and nothing outside this package imports ReportLab
(``tests/unit/test_import_rules.py``).

Imports: the standard library, ReportLab/openpyxl, domain; never services, api or a blueprint. Imported by: services
and views.
"""
