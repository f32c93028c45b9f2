"""The demo-data tool behind ``oversight demo-data``: synthetic raw extracts, their truth and
manifest, for trying the pipeline and for its tests.

It stands apart from the analysis: no pipeline stage imports it, and the pipeline never reads
the truth it writes. Its label data (how each synthetic system exports) is YAML beside it:
``dialects.yaml``, ``profiles.yaml`` and ``speech.yaml``. Modules:

- :mod:`~oversight.demo.generate`: the :class:`~oversight.demo.generate.Generator` (one seed,
  the same bytes) and the manifest it writes;
- :mod:`~oversight.demo.study`: which LAs to write and the window the extracts cover;
- :mod:`~oversight.demo.rates`, :mod:`~oversight.demo.simulate`,
  :mod:`~oversight.demo.optional`: planted rates and the populations drawn from them;
- :mod:`~oversight.demo.authority`, :mod:`~oversight.demo.exports`,
  :mod:`~oversight.demo.errorplan`, :mod:`~oversight.demo.render`,
  :mod:`~oversight.demo.writers`, :mod:`~oversight.demo.focus_groups`: one LA's files as its
  systems write them, with known errors planted;
- :mod:`~oversight.demo.dialects`, :mod:`~oversight.demo.profiles`,
  :mod:`~oversight.demo.speech`: readers of the YAML data.
"""
